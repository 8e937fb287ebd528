import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirBusyError, LOCK_FILE, liveHolder } from '../../src/db/data-dir-lock.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function plantLock(dir: string, pid: number | string): void {
  writeFileSync(
    join(dir, LOCK_FILE),
    typeof pid === 'string' ? pid : JSON.stringify({ pid, socket: null, token: 't' }),
  );
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

describe('data directory lock', () => {
  it('writes a private lock naming this process and the socket of a server, removed on release', () => {
    const dir = dataDir();
    const lock = acquireDataDirLock(dir, { serving: true });
    const path = join(dir, LOCK_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const content = JSON.parse(readFileSync(path, 'utf8'));
    expect(content).toEqual({ pid: process.pid, socket: join(dir, 'sesame.sock'), token: lock.holder.token });
    expect(lock.holder.token.length).toBeGreaterThanOrEqual(32);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses while another live process holds it, saying what to do', () => {
    const dir = dataDir();
    // The parent of this test process is alive and is not this process.
    plantLock(dir, process.ppid);
    expect(liveHolder(dir)?.pid).toBe(process.ppid);
    let error: unknown;
    try {
      acquireDataDirLock(dir, { serving: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataDirBusyError);
    expect((error as Error).message).toContain(`une commande Sésame (processus ${process.ppid})`);
    expect((error as Error).message).toContain('Arrêtez l’autre processus');
    expect((error as Error).message).toContain(join(dir, LOCK_FILE));
    // The other process's lock is left alone.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.ppid);
  });

  it.each([
    ['a dead process', 'dead'],
    ['an unreadable file', 'garbage'],
    ['an earlier run with this same pid (a container restarted)', 'self'],
  ])('takes over the lock of %s', async (_, kind) => {
    const dir = dataDir();
    plantLock(dir, kind === 'dead' ? await deadPid() : kind === 'self' ? process.pid : '{"pid":');
    expect(liveHolder(dir)).toBeNull();
    const lock = acquireDataDirLock(dir, { serving: false });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).token).toBe(lock.holder.token);
    lock.release();
  });

  it('never removes a lock another process took over after this one', () => {
    const dir = dataDir();
    const lock = acquireDataDirLock(dir, { serving: false });
    plantLock(dir, process.ppid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
