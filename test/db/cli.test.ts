import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    expect(imported.stdout).toContain('Import terminé : 2 créée(s), 0 mise(s) à jour.');
    const again = await sesame('src/cli.ts', ['import-libraries', good]);
    expect(again.stdout).toContain('Import terminé : 0 créée(s), 2 mise(s) à jour.');

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
