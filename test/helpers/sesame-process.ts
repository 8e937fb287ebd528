import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SesameProcess {
  baseUrl: string;
  readonly child: ChildProcess;
  /** Still running (not exited, not killed). */
  alive(): boolean;
  /** Everything it wrote, to explain a failure. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited(): Promise<number | string | null>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<number | string | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * `npm start` as a separate process (src/server.ts through tsx) on PostgreSQL, ready once
 * /readyz answers 200. `env` adds to a clean environment (DATABASE_URL, SMTP_URL…).
 */
export async function startSesame(
  env: Record<string, string>,
  options: { port?: number; timeoutMs?: number } = {},
): Promise<SesameProcess> {
  const port = options.port ?? (await freePort());
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'BASE_URL', 'TRUST_PROXY', 'SESAME_PROFILE', 'DATA_DIR'])
    delete childEnv[name];
  Object.assign(childEnv, { SESAME_DEMO: 'false' }, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output += chunk;
    });
  }
  const exit = new Promise<number | string | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal)),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (alive()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    return exit;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (!alive()) throw new Error(`Sésame exited before being ready:\n${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Sésame not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, child, alive, output: () => output, exited: () => exit, stop };
}
