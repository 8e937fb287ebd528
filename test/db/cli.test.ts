import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each case starts real processes; a loaded CI machine needs more than the default time.
vi.setConfig({ testTimeout: 180_000 });

const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
let dir: string;

/** Runs a Sésame entry point the way a person would, on its own embedded database. */
async function sesame(
  script: 'src/cli.ts' | 'src/server.ts',
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [script, ...args], {
      env: {
        ...process.env,
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        BASE_URL: 'http://sesame.test',
        ...env,
      },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('start-up errors', () => {
  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://root@localhost/x'],
    ['SESAME_PROFILE', 'lyon'],
  ])('%s=%s stops the start with one line naming the variable and exit code 1', async (name, value) => {
    const res = await sesame('src/server.ts', [], { [name]: value });
    expect(res.code).toBe(1);
    const lines = res.stderr.split('\n').filter((l) => l.trim() && !l.includes('nodedir'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Configuration invalide — ${name}: `));
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('command line', () => {
  it('prints the usage on no or unknown command and on bad arguments', async () => {
    const none = await sesame('src/cli.ts', []);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Utilisation : npm run sesame -- <commande>');
    const unknown = await sesame('src/cli.ts', ['envoyer']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Commande inconnue : envoyer');
    expect(unknown.stderr).toContain('import-libraries <fichier.csv>');
    const missing = await sesame('src/cli.ts', ['create-admin', 'solo']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('create-admin attend un identifiant et un courriel.');
    const badJob = await sesame('src/cli.ts', ['jobs', 'run', 'menage']);
    expect(badJob.stderr).toContain('Tâche inconnue : menage');
  });

  it('migrates, creates an administrator with a link (never a password), imports libraries all or nothing, runs a sweep', async () => {
    expect((await sesame('src/cli.ts', ['migrate'])).stdout).toContain('Migrations appliquées.');

    const admin = await sesame('src/cli.ts', [
      'create-admin',
      'dlpb',
      'dlpb@exemple.fr',
      'Agent',
      'départemental',
    ]);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/http:\/\/sesame\.test\/mot-de-passe\/[A-Za-z0-9_-]{40,}/);
    const twice = await sesame('src/cli.ts', ['create-admin', 'DLPB', 'autre@exemple.fr']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('Cet identifiant est déjà utilisé.');

    const bad = join(dir, 'mauvais.csv');
    await writeFile(
      bad,
      '\uFEFFcode;nom;ville;courriel\n57100;Médiathèque Sud;Valbourg;sud@exemple.fr\n;Sans code;Ville;x@exemple.fr\n57102;Nord;Valbourg;pas-un-courriel\n',
    );
    const refused = await sesame('src/cli.ts', ['import-libraries', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Aucune bibliothèque importée : 2 ligne(s) en erreur.');
    expect(refused.stderr).toContain('ligne 3 : code manquant');
    expect(refused.stderr).toContain('ligne 4 : courriel « pas-un-courriel » invalide');

    const good = join(dir, 'bon.csv');
    await writeFile(
      good,
      'code,nom,ville,courriel\n57100,"Médiathèque Sud, annexe",Valbourg,sud@exemple.fr\n57101,Bibliothèque d’Écrouves-le-Haut,Écrouves,haut@exemple.fr\n',
    );
    const imported = await sesame('src/cli.ts', ['import-libraries', good]);
    expect(imported.stdout).toContain('Import terminé : 2 bibliothèques créées, 0 mise à jour.');
    const again = await sesame('src/cli.ts', ['import-libraries', good]);
    expect(again.stdout).toContain('Import terminé : 0 bibliothèque créée, 2 mises à jour.');

    const missingFile = await sesame('src/cli.ts', ['import-libraries', join(dir, 'absent.csv')]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('Fichier introuvable ou illisible');

    const link = await sesame('src/cli.ts', ['password-link', 'dlpb']);
    expect(link.stdout).toMatch(/mot-de-passe\/[A-Za-z0-9_-]{40,}/);

    const sweep = await sesame('src/cli.ts', ['jobs', 'run', 'purge-sessions']);
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toContain('purge-sessions : terminé (sessions 0, tokens 0, throttles 0).');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolvePort(address.port) : reject()));
    });
  });
}

/** `npm start` on its own embedded database, waited for until its banner says it is ready. */
async function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(TSX, ['src/server.ts'], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 90_000);
    child.stdout!.on('data', () => {
      if (output.includes('Sésame est prêt')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', () => fail(new Error(`server exited:\n${output}`)));
  });
  return { child, output: () => output };
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

describe('one process per embedded database', () => {
  it('while the server runs, the command line has it create links and administrators that work at once; a second server and other commands are refused with what to do', async () => {
    const dataDir = join(dir, 'running');
    const port = await freePort();
    const serverUrl = `http://127.0.0.1:${port}`;
    const server = await startServer({ DATA_DIR: dataDir, PORT: String(port), BASE_URL: serverUrl });
    try {
      // The command line's own BASE_URL (http://sesame.test) is not the server's: the link
      // follows the running server.
      const link = await sesame('src/cli.ts', ['password-link', 'admin'], { DATA_DIR: dataDir });
      expect(link.code).toBe(0);
      const url = /(http:\/\/\S+\/mot-de-passe\/[A-Za-z0-9_-]{40,})/.exec(link.stdout)?.[1];
      expect(url?.startsWith(`${serverUrl}/mot-de-passe/`)).toBe(true);
      expect((await fetch(url!)).status).toBe(200);

      const admin = await sesame('src/cli.ts', ['create-admin', 'chef', 'chef@exemple.fr', 'Cheffe'], {
        DATA_DIR: dataDir,
      });
      expect(admin.code).toBe(0);
      const adminUrl = /(http:\/\/\S+\/mot-de-passe\/\S+)/.exec(admin.stdout)?.[1];
      expect((await fetch(adminUrl!)).status).toBe(200);
      const twice = await sesame('src/cli.ts', ['create-admin', 'chef', 'autre@exemple.fr'], {
        DATA_DIR: dataDir,
      });
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('Cet identifiant est déjà utilisé.');

      const migrate = await sesame('src/cli.ts', ['migrate'], { DATA_DIR: dataDir });
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toContain('« migrate » a besoin de la base embarquée');
      expect(migrate.stderr).toContain('Arrêtez le serveur');

      const second = await sesame('src/server.ts', [], { DATA_DIR: dataDir, PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      // tsx runs the server in a child process: the lock names that one.
      const { pid } = JSON.parse(await readFile(join(dataDir, 'sesame.lock'), 'utf8')) as { pid: number };
      expect(second.stderr).toContain(`un serveur Sésame (processus ${pid}) utilise déjà la base embarquée`);
      expect(second.stderr).toContain('Arrêtez l’autre processus');
      expect(second.stderr).not.toMatch(/\n\s+at /);
      // Only the owner may talk to the server.
      expect((await stat(join(dataDir, 'sesame.sock'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dataDir, 'sesame.lock'))).mode & 0o777).toBe(0o600);
    } finally {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    expect(existsSync(join(dataDir, 'sesame.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'sesame.sock'))).toBe(false);
  });

  it('takes over the lock a dead process left behind', async () => {
    const dataDir = join(dir, 'crashed');
    const ghost = spawn(process.execPath, ['-e', '']);
    await stopped(ghost);
    await mkdir(dataDir, { recursive: true });
    await writeFile(
      join(dataDir, 'sesame.lock'),
      JSON.stringify({ pid: ghost.pid, socket: join(dataDir, 'sesame.sock'), token: 'x' }),
    );
    const migrate = await sesame('src/cli.ts', ['migrate'], { DATA_DIR: dataDir });
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toContain('Migrations appliquées.');
    expect(existsSync(join(dataDir, 'sesame.lock'))).toBe(false);
  });
});
