import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { events, outbox } from '../../src/db/schema.js';
import { HOUR } from '../../src/domain/clock.js';
import { checkPasswordLink } from '../../src/usecases/auth/set-password-with-token.js';
import { buildApp } from '../../src/web/app.js';
import { addStaff, createTestApp, TEST_BASE_URL, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

/**
 * Single-use links read in the back-office (/admin/courriels/:id): masked while valid when
 * e-mails really leave, shown with an explanation in the demo without SMTP, and replaced by a
 * fresh link when a failed e-mail is sent again.
 */
const RESET_LINK = /http:\/\/sesame\.test\/mot-de-passe\/([A-Za-z0-9_-]{32,})/;

let ctx: TestContext;
let demoApp: FastifyInstance;
let n = 0;
let admin: Awaited<ReturnType<typeof addStaff>>;

beforeAll(async () => {
  ctx = await createTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:2525' } });
  // The same database seen by an instance without SMTP (the demo).
  const demo = loadConfig({ BASE_URL: TEST_BASE_URL, LOG_LEVEL: 'silent', SESAME_DEMO: 'false' });
  demoApp = await buildApp({ config: demo, database: ctx.database, clock: ctx.clock });
  admin = await addStaff(ctx, { identifier: 'admin', role: 'network_admin' });
});
afterAll(async () => {
  await demoApp.close();
  await ctx.close();
});
beforeEach(() => {
  ctx.clock.set('2026-11-23T09:00:00Z');
});

async function adminOn(app: FastifyInstance) {
  n++;
  const b = new TestBrowser(app, `198.51.100.${n}`);
  expect((await b.logIn(admin.identifier, admin.password)).statusCode).toBe(303);
  return b;
}

/** Another administrator asks for a reset link; its e-mail and token. */
async function resetMailOfAnotherAdmin() {
  n++;
  const victim = await addStaff(ctx, { identifier: `victime${n}`, role: 'network_admin' });
  const res = await new TestBrowser(ctx.app, `192.0.2.${n}`).post('/mot-de-passe-oublie', {
    login: victim.identifier,
  });
  expect(res.statusCode).toBe(200);
  const [mail] = await ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, victim.email));
  const token = RESET_LINK.exec(mail!.text)![1]!;
  return { mail: mail!, token, victim };
}

describe('single-use links in the back-office', () => {
  it('masks a fresh reset link of another administrator when SMTP is configured', async () => {
    const { mail, token } = await resetMailOfAnotherAdmin();
    const page = await (await adminOn(ctx.app)).get(`/admin/courriels/${mail.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(token);
    expect(page.body).toContain(
      'Choisir un nouveau mot de passe :\n[lien à usage unique masqué tant qu’il est valable]',
    );
    expect(page.body).not.toContain('/mot-de-passe/');
    expect(page.body).toContain('Le lien à usage unique de ce courriel est masqué');
    // The e-mail itself keeps its link.
    const [row] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, mail.id));
    expect(row!.text).toContain(token);
    expect(row!.html).toContain(token);
  });

  it('shows the link once it can no longer open anything', async () => {
    const { mail, token } = await resetMailOfAnotherAdmin();
    ctx.clock.advance(30 * 24 * HOUR);
    const page = await (await adminOn(ctx.app)).get(`/admin/courriels/${mail.id}`);
    expect(page.body).toContain(token);
    expect(page.body).not.toContain('masqué');
  });

  it('shows it without SMTP, in the demo, saying why', async () => {
    const { mail, token } = await resetMailOfAnotherAdmin();
    const page = await (await adminOn(demoApp)).get(`/admin/courriels/${mail.id}`);
    expect(page.body).toContain(token);
    expect(page.body).toContain('Mode démonstration : liens à usage unique affichés');
    expect(page.body).toContain('dès que SMTP_URL est défini, ils sont masqués');
  });

  it('sends a fresh link, not the old one, when a failed e-mail is sent again', async () => {
    const { mail, token } = await resetMailOfAnotherAdmin();
    await ctx.database.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.id, mail.id));
    ctx.clock.advance(2 * HOUR);
    const b = await adminOn(ctx.app);
    await b.get(`/admin/courriels/${mail.id}`);
    const res = await b.post(`/admin/courriels/${mail.id}/renvoyer`, {});
    expect(res.statusCode).toBe(303);
    const [row] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, mail.id));
    expect(row!.status).toBe('pending');
    const fresh = RESET_LINK.exec(row!.text)![1]!;
    expect(fresh).not.toBe(token);
    expect(row!.html).toContain(fresh);
    expect(row!.html).not.toContain(token);
    expect((await checkPasswordLink(ctx.deps, token)).status).not.toBe('valid');
    expect((await checkPasswordLink(ctx.deps, fresh)).status).toBe('valid');
    // Its validity runs again from now, and the e-mail says so.
    expect(row!.text).toContain('reste valable jusqu’au 23/11/2026 à 13:00');
    const [event] = await ctx.database.db.select().from(events).where(eq(events.action, 'mail_requeued'));
    expect(event!.data).toMatchObject({ template: 'reset_password', freshLinks: 1 });
  });

  it('does not send again an e-mail whose link was replaced by a newer one', async () => {
    const { mail, victim } = await resetMailOfAnotherAdmin();
    await new TestBrowser(ctx.app, '192.0.2.200').post('/mot-de-passe-oublie', { login: victim.identifier });
    await ctx.database.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.id, mail.id));
    const b = await adminOn(ctx.app);
    await b.get(`/admin/courriels/${mail.id}`);
    expect((await b.post(`/admin/courriels/${mail.id}/renvoyer`, {})).statusCode).toBe(303);
    const page = await b.get(`/admin/courriels/${mail.id}`);
    expect(page.body).toContain('Le lien de ce courriel a déjà servi, a été remplacé par un plus récent');
    const [row] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, mail.id));
    expect(row!.status).toBe('failed');
  });
});
