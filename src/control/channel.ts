import { timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import type { LockHolder } from '../db/data-dir-lock.js';
import type { Deps } from '../usecases/deps.js';
import { commandErrorText, isAccountCommand, runAccountCommand } from './account-commands.js';

/**
 * The control channel of a server on the embedded database: a Unix socket only the local user
 * can open (mode 0600), one JSON line each way. A request carries the token of the lock file
 * (also mode 0600), so reaching the socket is not enough. The command line uses it to have the
 * running server create a set-password link or an administrator, since it may not open the
 * database itself while the server holds it.
 */
interface Request {
  token: string;
  command: string;
  args: string[];
}

export interface Reply {
  ok: boolean;
  /** What the command line prints: the link, or the French error. */
  text: string;
}

const MAX_REQUEST = 64 * 1024;

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function answer(line: string, token: string, deps: Deps): Promise<{ reply: Reply; command?: string }> {
  let request: Partial<Request>;
  try {
    request = JSON.parse(line) as Partial<Request>;
  } catch {
    return { reply: { ok: false, text: 'Requête illisible.' } };
  }
  if (!sameToken(request.token, token)) return { reply: { ok: false, text: 'Requête refusée.' } };
  const command = String(request.command);
  const args = Array.isArray(request.args) ? request.args.map(String) : [];
  if (!isAccountCommand(command))
    return {
      reply: { ok: false, text: `La commande « ${command} » ne peut pas être envoyée au serveur en cours.` },
    };
  try {
    return { reply: { ok: true, text: await runAccountCommand(deps, command, args) }, command };
  } catch (error) {
    return { reply: { ok: false, text: commandErrorText(error) }, command };
  }
}

function serve(socket: Socket, token: string, deps: Deps, log: ControlLog): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_REQUEST) return socket.destroy();
    const end = buffer.indexOf('\n');
    if (end < 0) return;
    socket.pause();
    void answer(buffer.slice(0, end), token, deps).then(({ reply, command }) => {
      // The command's name only: its arguments may hold an e-mail address.
      log.info({ command, ok: reply.ok }, 'control command');
      socket.end(`${JSON.stringify(reply)}\n`);
    });
  });
}

export interface ControlLog {
  info(fields: object, message: string): void;
}

/** Listens on the socket named in the lock; returns a function that stops listening. */
export async function startControlChannel(options: {
  holder: LockHolder;
  deps: Deps;
  log: ControlLog;
}): Promise<{ close(): Promise<void> }> {
  const { holder, deps, log } = options;
  const path = holder.socket;
  if (!path) throw new Error('this lock has no control socket');
  // A socket file left by a crashed server would make listen fail.
  rmSync(path, { force: true });
  const server = createServer((socket) => serve(socket, holder.token, deps, log));
  // The socket file is created with the umask: make it private from its first instant.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  server.unref();
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** The control socket did not answer: the server is starting, or stopped without cleaning up. */
export class ControlUnavailable extends Error {}

/** Sends one command to the running server and waits for its reply. */
export function askServer(holder: LockHolder, command: string, args: string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    if (!holder.socket) return reject(new ControlUnavailable('no control socket'));
    const socket = connect(holder.socket);
    let buffer = '';
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error instanceof ControlUnavailable ? error : new ControlUnavailable(error.message));
    };
    socket.setEncoding('utf8');
    socket.setTimeout(60_000, () => fail(new ControlUnavailable('timeout')));
    socket.on('error', fail);
    socket.on('connect', () => {
      socket.write(`${JSON.stringify({ token: holder.token, command, args } satisfies Request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      if (settled) return;
      try {
        const reply = JSON.parse(buffer) as Reply;
        settled = true;
        resolve({ ok: reply.ok === true, text: String(reply.text) });
      } catch {
        fail(new ControlUnavailable('unreadable reply'));
      }
    });
  });
}
