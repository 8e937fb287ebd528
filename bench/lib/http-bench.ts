/** Shared by the HTTP benchmarks: timed phases, percentiles, a cookie jar over fetch, a table. */

export interface Phase {
  name: string;
  concurrency: number;
  ok: number;
  failed: number;
  seconds: number;
  latencies: number[];
}

export function newPhase(name: string, concurrency: number): Phase {
  return { name, concurrency, ok: 0, failed: 0, seconds: 0, latencies: [] };
}

/** Runs `concurrency` loops of `once` for `ms` and adds the outcome to the phase. */
export async function measure(
  phase: Phase,
  ms: number,
  once: (worker: number) => Promise<boolean>,
): Promise<Phase> {
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
  return phase;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A minimal cookie jar over fetch: the app's cookies are host-only and path=/. */
export class Client {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(this.base + path, { headers: { cookie: this.header() }, redirect: 'manual' });
    this.keep(res);
    return res;
  }

  /** Posts without keeping the answer's cookies, unless asked: each login starts signed out. */
  async post(path: string, form: Record<string, string>, keep = false): Promise<Response> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    if (keep) this.keep(res);
    await res.arrayBuffer();
    return res;
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
