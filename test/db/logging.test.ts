import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { outbox } from '../../src/db/schema.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ensureNetwork } from '../../src/usecases/network/bootstrap.js';
import { buildApp } from '../../src/web/app.js';
import { addStaff } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { createTestDatabase } from '../helpers/database.js';

const lines: string[] = [];
let close: () => Promise<void>;
let app: Awaited<ReturnType<typeof buildApp>>;
let database: Awaited<ReturnType<typeof createTestDatabase>>['database'];
const clock = new ManualClock();

beforeAll(async () => {
  const db = await createTestDatabase();
  database = db.database;
  const config = loadConfig({ BASE_URL: 'http://sesame.test', LOG_LEVEL: 'info', SESAME_DEMO: 'false' });
  await ensureNetwork({ db: database.db }, 'numos');
  app = await buildApp({ config, database, clock, logStream: { write: (l: string) => void lines.push(l) } });
  close = async () => {
    await app.close();
    await db.cleanup();
  };
});
afterAll(() => close());

it('writes JSON lines with request ids and never a password, token, cookie or full e-mail address', async () => {
  const s = await addStaff(
    { database, clock },
    { identifier: 'journal', email: 'camille.journal@exemple.fr' },
  );
  const b = new TestBrowser(app);
  await b.logIn('journal', s.password);
  await b.logIn('camille.journal@exemple.fr', 'Mauvais-secret-42');
  await b.post(
    '/mot-de-passe-oublie',
    { login: 'camille.journal@exemple.fr' },
    { from: '/mot-de-passe-oublie' },
  );
  const [mail] = await database.db
    .select()
    .from(outbox)
    .where(eq(outbox.toAddress, 'camille.journal@exemple.fr'));
  const path = /http:\/\/sesame\.test(\/mot-de-passe\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
  const token = path.split('/').pop()!;
  await b.get(path);
  await b.post(
    path,
    { password: 'Nouveau-secret-77', confirmation: 'Nouveau-secret-77' },
    { csrf: await b.csrf() },
  );
  await b.get('/bibliotheques?q=camille.journal%40exemple.fr');

  const log = lines.join('');
  const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
  expect(parsed.some((l) => l.reqId && l.req?.url === '/mot-de-passe/[masqué]')).toBe(true);
  for (const secret of [
    s.password,
    'Mauvais-secret-42',
    'Nouveau-secret-77',
    token,
    'camille.journal@exemple.fr',
  ]) {
    expect(log).not.toContain(secret);
  }
  const session = b.cookies.get('sesame_session');
  if (session) expect(log).not.toContain(session);
});
