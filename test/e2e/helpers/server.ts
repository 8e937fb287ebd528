import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const READY = 'Sésame est prêt';
const START_TIMEOUT_MS = 90_000;

export interface DemoLink {
  identifier: string;
  url: string;
}

export interface RunningServer {
  baseUrl: string;
  /** The network administrator's set-password link printed at start. */
  admin: DemoLink;
  /** One library's staff account and its set-password link printed at start. */
  librarian: DemoLink & { library: string };
  /** Everything the server wrote, to explain a failure. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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
 * Reads the two demo links from the start banner of src/server.ts:
 *   Administrateur du réseau « admin » :
 *     http://…/mot-de-passe/…
 *   Bibliothèque « Médiathèque des Tilleuls », identifiant 5210001 :
 *     http://…/mot-de-passe/…
 */
export function parseBanner(text: string): { admin: DemoLink; librarian: DemoLink & { library: string } } {
  const admin = /Administrateur du réseau « ([^»]+) » :\s*\n\s*(https?:\/\/\S+)/.exec(text);
  const librarian = /Bibliothèque « ([^»]+) », identifiant (\S+) :\s*\n\s*(https?:\/\/\S+)/.exec(text);
  if (!admin || !librarian) throw new Error(`Set-password links not found in the server output:\n${text}`);
  return {
    admin: { identifier: admin[1]!, url: admin[2]! },
    librarian: { library: librarian[1]!, identifier: librarian[2]!, url: librarian[3]! },
  };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/**
 * Starts the real server (src/server.ts) as a child process on a fresh embedded database with
 * the demo network, as someone trying Sésame on a laptop would, and waits until it is ready.
 */
export async function startServer(options: { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-e2e-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SESAME_DEMO: 'true',
  };
  // The test drives a laptop-style install: no shared database, no mail server, no custom URL.
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'BASE_URL', 'TRUST_PROXY', 'SESAME_PROFILE'])
    delete env[name];
  // What a test chooses on purpose (e.g. SESAME_PROFILE=mdo for the MDO journey).
  Object.assign(env, options.env);

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    output += chunk;
  });

  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`Server not ready after ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      child.stdout!.on('data', (chunk: string) => {
        output += chunk;
        // The banner is written in one console.log: wait for its last line.
        if (output.includes(READY) && output.includes('Lien perdu ?')) {
          clearTimeout(timer);
          ready();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`Server exited before being ready (code ${code}, signal ${signal}):\n${output}`));
      });
    });
    const links = parseBanner(output);
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      ...links,
      output: () => output,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
