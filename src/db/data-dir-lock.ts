import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * One embedded database (PGlite) belongs to one process: two processes writing the same files
 * lose data, and the second one's writes are invisible to the first until a restart. The lock
 * is a file created atomically in the data directory; it names the holder's pid and, for a
 * running server, the control socket where the command line can ask it to act.
 */
export interface LockHolder {
  pid: number;
  /** Unix socket of a running server's control channel; null for a command-line run. */
  socket: string | null;
  /** Secret a control request must carry: only who can read the lock file (mode 0600) has it. */
  token: string;
}

export interface DataDirLock {
  readonly holder: LockHolder;
  release(): void;
}

export const LOCK_FILE = 'sesame.lock';

/** Locks this process holds: a process that exits without closing (process.exit on an error) leaves none behind. */
const held = new Set<() => void>();
process.on('exit', () => {
  for (const release of [...held]) release();
});

/** Thrown when a live process holds the data directory; the message says what to do. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(busyMessage(dataDir, holder));
    this.name = 'DataDirBusyError';
  }
}

export function busyMessage(dataDir: string, holder: LockHolder): string {
  const who = holder.socket
    ? `un serveur Sésame (processus ${holder.pid}) utilise déjà la base embarquée ${dataDir}`
    : `une commande Sésame (processus ${holder.pid}) utilise en ce moment la base embarquée ${dataDir}`;
  return `${who}. Une base embarquée ne s’ouvre que dans un seul processus. Arrêtez l’autre processus (Ctrl+C dans son terminal, ou kill ${holder.pid}), ou choisissez un autre dossier avec DATA_DIR, ou utilisez PostgreSQL (DATABASE_URL) pour plusieurs instances. Si aucun Sésame ne tourne, supprimez le fichier ${join(dataDir, LOCK_FILE)}.`;
}

function alive(pid: number): boolean {
  // The lock of a previous run of this very pid (a container's pid 1 after a restart) is stale.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return null;
    return { pid: parsed.pid, socket: parsed.socket ?? null, token: parsed.token };
  } catch {
    return null;
  }
}

/** The live process holding dataDir, if any (a stale or unreadable lock counts as none). */
export function liveHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(join(dataDir, LOCK_FILE));
  return holder && alive(holder.pid) ? holder : null;
}

/**
 * Where a server's control socket lives: in the data directory when the path fits the Unix
 * socket limit (about 104 bytes), else in a private directory under the system temp dir.
 */
function socketPath(dataDir: string): string {
  const inside = join(dataDir, 'sesame.sock');
  if (Buffer.byteLength(inside) <= 100) return inside;
  const dir = join(tmpdir(), `sesame-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  return join(dir, 'sesame.sock');
}

/**
 * Takes the lock of dataDir or throws DataDirBusyError. A lock whose pid is dead (a crash, a
 * kill -9) is taken over. The file is written aside then hard-linked into place, so a reader
 * never sees it half-written and two starters cannot both win.
 */
export function acquireDataDirLock(dataDir: string, options: { serving: boolean }): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    socket: options.serving ? socketPath(dataDir) : null,
    token: randomBytes(24).toString('base64url'),
  };
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
        const current = readHolder(path);
        if (current && alive(current.pid)) throw new DataDirBusyError(dataDir, current);
        // Stale (dead pid) or unreadable: remove it and try again. Two processes taking over the
        // same stale lock at the same instant is the one race left; restarts after a crash are
        // not that concurrent.
        rmSync(path, { force: true });
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(release);
    // Only our own lock: never remove one another process took over after us.
    if (readHolder(path)?.token === holder.token) {
      if (holder.socket) {
        const socketDir = dirname(holder.socket);
        rmSync(socketDir === dataDir ? holder.socket : socketDir, { recursive: true, force: true });
      }
      rmSync(path, { force: true });
    }
  };
  held.add(release);
  return { holder, release };
}
