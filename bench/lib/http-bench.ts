/** Shared by the HTTP benchmarks: timed phases, percentiles, a cookie jar over fetch, a table. */
import { readFileSync } from 'node:fs';
import http from 'node:http';

export interface Phase {
  name: string;
  concurrency: number;
  ok: number;
  failed: number;
  seconds: number;
  latencies: number[];
  /** CPU time of the whole machine (every process, every core) spent during the phase, in ms. */
  machineCpuMs: number;
  /** CPU time of this process (all its threads: event loop, argon2 pool, the bench's client), ms. */
  processCpuMs: number;
}

export function newPhase(name: string, concurrency: number): Phase {
  return { name, concurrency, ok: 0, failed: 0, seconds: 0, latencies: [], machineCpuMs: 0, processCpuMs: 0 };
}

/** Runs `concurrency` loops of `once` for `ms` and adds the outcome to the phase. */
export async function measure(
  phase: Phase,
  ms: number,
  once: (worker: number) => Promise<boolean>,
): Promise<Phase> {
  const cpuBefore = machineCpuMs();
  const processBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: phase.concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        const t = performance.now();
        const ok = await once(worker);
        phase.latencies.push(performance.now() - t);
        if (ok) phase.ok++;
        else phase.failed++;
      }
    }),
  );
  phase.seconds += (performance.now() - started) / 1000;
  phase.machineCpuMs += machineCpuMs() - cpuBefore;
  const used = process.cpuUsage(processBefore);
  phase.processCpuMs += (used.user + used.system) / 1000;
  return phase;
}

/**
 * Busy CPU time of the whole machine so far (Linux /proc/stat: user, nice, system, irq, softirq,
 * steal over all cores), in ms; NaN elsewhere. Per operation, it shows what an operation costs
 * in CPU, the database server and the benchmark's own client included.
 */
export function machineCpuMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const ticks = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    return (ticks * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** A phase's counts before a slice; with sliceRate, the rate of that slice alone. */
export function mark(phase: Phase): { ok: number; seconds: number } {
  return { ok: phase.ok, seconds: phase.seconds };
}

export function sliceRate(phase: Phase, before: { ok: number; seconds: number }): number {
  return (phase.ok - before.ok) / Math.max(1e-9, phase.seconds - before.seconds);
}

/** "median 0.93 (0.90 to 0.96, 5 slices)": how much a ratio moved from slice to slice. */
export function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return `median ${median.toFixed(2)} (${sorted[0]!.toFixed(2)} to ${sorted.at(-1)!.toFixed(2)}, ${sorted.length} slices)`;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** What the benchmarks read of an answer. */
export interface BenchResponse {
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

/**
 * A minimal HTTP client with a cookie jar (the app's cookies are host-only and path=/), over
 * node:http with kept-alive connections: it costs a fraction of the CPU of fetch (undici), and
 * the client shares the cores with the server it measures.
 */
export class Client {
  private readonly cookies = new Map<string, string>();
  private readonly url: URL;
  private readonly agent = new http.Agent({ keepAlive: true });
  constructor(base: string) {
    this.url = new URL(base);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: BenchResponse): void {
    for (const line of res.setCookies) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private request(method: string, path: string, body?: string): Promise<BenchResponse> {
    const headers: http.OutgoingHttpHeaders = { cookie: this.header() };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.url.hostname, port: this.url.port, path, method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              location: res.headers.location ?? null,
              setCookies: res.headers['set-cookie'] ?? [],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async get(path: string): Promise<BenchResponse> {
    const res = await this.request('GET', path);
    this.keep(res);
    return res;
  }

  /** Posts without keeping the answer's cookies, unless asked: each login starts signed out. */
  async post(path: string, form: Record<string, string>, keep = false): Promise<BenchResponse> {
    const res = await this.request('POST', path, new URLSearchParams(form).toString());
    if (keep) this.keep(res);
    return res;
  }

  /** GETs a form page and returns its CSRF token (the cookie half stays in the jar). */
  async csrfToken(path: string): Promise<string> {
    const res = await this.get(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (res.status !== 200 || !token) throw new Error(`GET ${path}: ${res.status}, no CSRF token`);
    return token;
  }

  close(): void {
    this.agent.destroy();
  }
}

export function printTable(rows: Array<Record<string, string>>): void {
  const columns = Object.keys(rows[0]!);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => r[c]!.length));
  const line = (cells: (c: string) => string) =>
    columns.map((c, i) => (i === 0 ? cells(c).padEnd(width(c)) : cells(c).padStart(width(c)))).join('  ');
  console.log(line((c) => c));
  console.log(line((c) => '-'.repeat(width(c))));
  for (const row of rows) console.log(line((c) => row[c]!));
}

/**
 * The ceiling of an "HTTP request around argon2" ratio on this machine: a bare node:http server
 * (no framework, no database) whose every POST does `work` and answers 303. Measured in the
 * same run as the real thing, it shows what HTTP and the benchmark's own client cost when the
 * server does nothing else.
 */
export async function startBareServer(
  work: () => Promise<unknown>,
): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      work().then(
        () => {
          res.writeHead(303, { location: '/' });
          res.end();
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no listening address');
  return {
    base: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
