import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { queryRows } from '../../src/db/client.js';
import { libraries, network, outbox, patrons, resources, staff } from '../../src/db/schema.js';
import { ManualClock } from '../../src/domain/clock.js';
import { prepareDatabase } from '../../src/startup.js';
import { buildApp } from '../../src/web/app.js';
import { addStaff } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';

const clock = new ManualClock('2026-11-23T09:00:00Z');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A brand-new empty database: PGlite files in a temp dir, or a new PostgreSQL database. */
async function emptyDatabaseEnv(): Promise<Record<string, string>> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const dir = await mkdtemp(join(tmpdir(), 'sesame-start-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return { DATA_DIR: dir };
  }
  const name = `sesame_start_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}

describe('first start', () => {
  it('migrates an empty database, seeds the demo network once, and a second start creates nothing twice', async () => {
    const env = {
      ...(await emptyDatabaseEnv()),
      SESAME_DEMO: 'true',
      BASE_URL: 'http://sesame.test',
      LOG_LEVEL: 'silent',
    };
    const config = loadConfig(env);
    const first = await prepareDatabase(config, clock);
    expect(first.demo?.admin.identifier).toBe('admin');
    expect(first.demo?.admin.url).toMatch(/^http:\/\/sesame\.test\/mot-de-passe\/[A-Za-z0-9_-]{40,}$/);
    expect(first.demo?.librarian.identifier).toMatch(/^52\d{5}$/);
    expect(await first.database.migrationsApplied()).toBe(true);
    await first.database.close();

    const second = await prepareDatabase(config, clock);
    expect(second.demo).toBeNull();
    const db = second.database.db;
    const [nets] = await db.select({ n: count() }).from(network);
    const [libs] = await db.select({ n: count() }).from(libraries);
    const staffRows = await db.select().from(staff);
    const [mails] = await db.select({ n: count() }).from(outbox);
    expect(nets!.n).toBe(1);
    expect(libs!.n).toBe(5);
    expect(staffRows).toHaveLength(6);
    // No default password anywhere: every account waits for its set-password link.
    expect(staffRows.every((s) => s.passwordHash === null)).toBe(true);
    expect(staffRows.filter((s) => s.role === 'network_admin').map((s) => s.identifier)).toEqual(['admin']);
    expect(
      staffRows.filter((s) => s.role === 'library_staff').every((s) => /^52\d{5}$/.test(s.identifier)),
    ).toBe(true);
    expect(mails!.n).toBe(6);
    // Requests wait in the queue so that the validation screen can be tried at once.
    const waiting = await db.select().from(patrons).where(eq(patrons.state, 'pending'));
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    const [net] = await db.select().from(network);
    expect(net!.name).toBe('Médiathèque numérique de démonstration');
    expect(net!.profile).toBe('numos');
    expect((net!.settings as Record<string, unknown>).escalationDays).toBe(5);
    await second.database.close();

    // Started again on another address: the demo provider's links follow it.
    const third = await prepareDatabase(
      loadConfig({ ...env, BASE_URL: 'https://reseau.exemple.fr/sesame' }),
      clock,
      {
        serving: true,
      },
    );
    const templatesIn = async (d: typeof third) =>
      (await d.database.db.select().from(resources)).map((r) => r.connectorConfig.urlTemplate).sort();
    const templates = await templatesIn(third);
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.every((t) => t.startsWith('https://reseau.exemple.fr/sesame/fournisseur-demo/'))).toBe(
      true,
    );
    await third.database.close();
    // A command run on the same database without the server's address moves nothing.
    const command = await prepareDatabase(loadConfig({ ...env, BASE_URL: 'http://127.0.0.1:3000' }), clock);
    expect(await templatesIn(command)).toEqual(templates);
    await command.database.close();
    // Twice in a row with a path: the path is not added twice.
    const again = await prepareDatabase(
      loadConfig({ ...env, BASE_URL: 'https://reseau.exemple.fr/sesame' }),
      clock,
      { serving: true },
    );
    expect(await templatesIn(again)).toEqual(templates);
    await again.database.close();
  });

  it('creates the network from the mdo profile when asked', async () => {
    const config = loadConfig({ ...(await emptyDatabaseEnv()), SESAME_PROFILE: 'mdo', SESAME_DEMO: 'false' });
    const { database, demo } = await prepareDatabase(config, clock);
    expect(demo).toBeNull();
    const [net] = await database.db.select().from(network);
    expect(net!.profile).toBe('mdo');
    expect((net!.settings as Record<string, unknown>).escalationDays).toBe(7);
    expect((net!.settings as Record<string, unknown>).membershipAnchor).toBe('registration');
    expect((net!.settings as Record<string, unknown>).passwordRequireClasses).toBe(true);
    // The search helper of the migrations is there and folds accents and case.
    const [row] = await queryRows<{ f: string }>(
      database.db,
      sql`select sesame_fold('Zoé N''Diaye-Lefèvre') as f`,
    );
    expect(row!.f).toBe("zoe n'diaye-lefevre");
    await database.close();
  });
});

// Each driver has its own story; the other one's test is not defined (not skipped) on this run.
if (onPostgres)
  describe('several instances on one PostgreSQL', () => {
    it('start at the same time (migrations under a lock), seed once, and share sessions', async () => {
      const env = {
        ...(await emptyDatabaseEnv()),
        SESAME_DEMO: 'true',
        BASE_URL: 'http://sesame.test',
        LOG_LEVEL: 'silent',
        SESAME_SCHEDULER: 'false',
      };
      const config = loadConfig(env);
      const [a, b] = await Promise.all([prepareDatabase(config, clock), prepareDatabase(config, clock)]);
      cleanups.push(async () => {
        await a.database.close();
        await b.database.close();
      });
      expect([a.demo, b.demo].filter(Boolean)).toHaveLength(1);
      const [libs] = await a.database.db.select({ n: count() }).from(libraries);
      expect(libs!.n).toBe(5);

      const appA = await buildApp({ config, database: a.database, clock });
      const appB = await buildApp({ config, database: b.database, clock });
      cleanups.push(async () => {
        await appA.close();
        await appB.close();
      });
      const s = await addStaff(
        { database: a.database, clock },
        { identifier: 'partage', role: 'network_admin' },
      );
      const browserA = new TestBrowser(appA);
      expect((await browserA.logIn('partage', s.password)).statusCode).toBe(303);
      // The same cookies work on the other instance, CSRF included (the secret lives in the database).
      const browserB = new TestBrowser(appB);
      for (const [k, v] of browserA.cookies) browserB.cookies.set(k, v);
      const home = await browserB.get('/admin');
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('Bonjour');
      const out = await browserB.post('/deconnexion', {}, { from: '/admin' });
      expect(out.statusCode).toBe(303);
      // Logging out on one instance ends the session everywhere.
      expect((await browserA.get('/admin')).statusCode).toBe(303);
    });
  });

if (!onPostgres)
  describe('embedded database', () => {
    it('keeps its data in DATA_DIR across restarts', async () => {
      const env = await emptyDatabaseEnv();
      const config = loadConfig({ ...env, SESAME_DEMO: 'false' });
      const first = await prepareDatabase(config, clock);
      await addStaff({ database: first.database, clock }, { identifier: 'persistant' });
      await first.database.close();
      const second = await prepareDatabase(config, clock);
      const rows = await second.database.db.select().from(staff);
      expect(rows.map((r) => r.identifier)).toEqual(['persistant']);
      await second.database.close();
    });
  });
