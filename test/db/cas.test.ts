import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { patronPseudonym } from '../../src/connectors/pseudonym.js';
import { findCasService } from '../../src/db/repositories/cas.js';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import { setPatronRight, setResourceLibraries } from '../../src/db/repositories/resources.js';
import { casServices, casTickets, sessions } from '../../src/db/schema.js';
import { hashPassword } from '../../src/security/passwords.js';
import { saveCasServiceConfig } from '../../src/usecases/cas/cas-service-admin.js';
import { redactUrl } from '../../src/web/log-redaction.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { addPatron, staffActor } from '../helpers/decision-fixtures.js';
import { ProbeClient } from '../helpers/probe/actors.js';
import { addResource, consultationCount } from '../helpers/resource-fixtures.js';

const START = '2026-11-23T09:00:00Z';
const SERVICE_PREFIX = 'https://fournisseur.example/bibliotheque/';
const SERVICE = `${SERVICE_PREFIX}films?page=1`;
let ctx: TestContext;
let libA: { id: string; code: string; name: string };
let libB: { id: string };
let admin: Awaited<ReturnType<typeof addStaff>>;
let staffA: Awaited<ReturnType<typeof addStaff>>;
let resourceId: string;

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  admin = await addStaff(ctx, { identifier: 'admin.cas', role: 'network_admin' });
  staffA = await addStaff(ctx, { identifier: 'agent.a.cas', libraryIds: [libA.id] });
  const resource = await addResource(ctx, { kind: 'unlimited', category: null, name: 'Cinéma en ligne' });
  resourceId = resource.id;
  await saveCasServiceConfig(ctx.deps, staffActor(admin), resourceId, {
    enabled: true,
    servicePrefix: SERVICE_PREFIX,
    attributes: ['nom', 'prenom', 'categorie_age', 'bibliotheque', 'fin_abonnement'],
    ticketSeconds: null,
  });
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set(START));

const activePatron = (over: Parameters<typeof addPatron>[2] = {}) =>
  addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-11-22', pendingSince: null, ...over });

async function as(p: PatronRow): Promise<ProbeClient> {
  return new ProbeClient(ctx.app, 'patron').signIn(ctx, 'patron', p.id);
}

const loginUrl = (service: string, extra = '') => `/cas/login?service=${encodeURIComponent(service)}${extra}`;

/** The ticket /cas/login handed to the service, after checking the redirect goes there. */
async function ticketFor(client: ProbeClient, service = SERVICE, extra = ''): Promise<string> {
  const res = await client.get(loginUrl(service, extra));
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  const location = String(res.headers.location);
  expect(location.startsWith(`${service}&ticket=`) || location.startsWith(`${service}?ticket=`)).toBe(true);
  return new URL(location).searchParams.get('ticket')!;
}

function validate(ticket: string, service = SERVICE, extra = '', path = '/cas/p3/serviceValidate') {
  return ctx.app.inject({
    method: 'GET',
    url: `${path}?service=${encodeURIComponent(service)}&ticket=${encodeURIComponent(ticket)}${extra}`,
  });
}

const ticketRows = async () =>
  (await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(casTickets))[0]!.n;

describe('CAS login and validation, happy path', () => {
  it('a logged-in patron gets a ticket without a password, and the provider reads the chosen attributes', async () => {
    const p = await activePatron({ birthDate: '2012-03-01', birthYear: 2012 });
    const before = await consultationCount(ctx);
    const ticket = await ticketFor(await as(p));
    expect(ticket).toMatch(/^ST-[A-Za-z0-9-]{43}$/);
    // The consultation is recorded as an opening of the resource's home page would be.
    expect(await consultationCount(ctx)).toBe(before + 1);
    // Stored hashed: the ticket itself is nowhere in the table.
    const stored = await ctx.database.db.select().from(casTickets);
    expect(JSON.stringify(stored)).not.toContain(ticket);

    const res = await validate(ticket);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('xml');
    const service = await findCasService(ctx.database.db, resourceId);
    const pseudonym = patronPseudonym(service!.pseudonymSecret, p.id);
    expect(res.body).toContain('<cas:authenticationSuccess>');
    expect(res.body).toContain(`<cas:user>${pseudonym}</cas:user>`);
    expect(res.body).toContain(`<cas:nom>${p.lastName!.replace('’', '’')}</cas:nom>`);
    expect(res.body).toContain(`<cas:prenom>${p.firstName}</cas:prenom>`);
    expect(res.body).toContain('<cas:categorie_age>12-15</cas:categorie_age>');
    expect(res.body).toContain('<cas:bibliotheque>Médiathèque Alpha</cas:bibliotheque>');
    expect(res.body).toContain(`<cas:bibliotheque_code>${libA.code}</cas:bibliotheque_code>`);
    expect(res.body).toContain('<cas:fin_abonnement>2027-11-22</cas:fin_abonnement>');
    expect(res.body).toContain('<cas:isFromNewLogin>false</cas:isFromNewLogin>');
    // Not chosen: never released.
    expect(res.body).not.toContain(p.email!);
    expect(res.body).not.toContain('cas:identifiant');
    expect(res.body).not.toContain(p.id);
  });

  it('answers in JSON with format=JSON, on /cas/serviceValidate too', async () => {
    const p = await activePatron();
    const ticket = await ticketFor(await as(p));
    const res = await validate(ticket, SERVICE, '&format=JSON', '/cas/serviceValidate');
    expect(res.headers['content-type']).toContain('json');
    const body = res.json();
    expect(body.serviceResponse.authenticationSuccess.user).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(body.serviceResponse.authenticationSuccess.attributes.prenom).toBe(p.firstName);
  });

  it('escapes what a patron typed in the XML answer', async () => {
    const p = await activePatron({ lastName: 'Dupont <b>&amp;</b>' });
    const res = await validate(await ticketFor(await as(p)));
    expect(res.body).toContain('<cas:nom>Dupont &lt;b&gt;&amp;amp;&lt;/b&gt;</cas:nom>');
  });
});

describe('one opening, one consultation', () => {
  /** The patron's click in Sésame's catalog: redirected to the provider, the opening recorded. */
  async function catalogClick(client: ProbeClient) {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/ressources/${resourceId}/ouvrir`,
      headers: client.headers({ 'sec-fetch-site': 'same-origin' }),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  }

  it('a click in the catalog, then the provider’s CAS login, is counted once', async () => {
    const p = await activePatron();
    const client = await as(p);
    const before = await consultationCount(ctx);
    await catalogClick(client);
    expect(await consultationCount(ctx)).toBe(before + 1);
    // The provider sends the patron through /cas/login a few seconds later: the same opening.
    ctx.clock.advance(20_000);
    const res = await validate(await ticketFor(client));
    expect(res.body).toContain('<cas:authenticationSuccess>');
    expect(await consultationCount(ctx)).toBe(before + 1);
  });

  it('a CAS login long after the last opening, or by another patron, is an opening of its own', async () => {
    const p = await activePatron();
    const client = await as(p);
    const before = await consultationCount(ctx);
    await catalogClick(client);
    // Another patron's opening of the same resource does not stand for this one's.
    await ticketFor(await as(await activePatron()));
    expect(await consultationCount(ctx)).toBe(before + 2);
    // The network's window (default 5 minutes) is over: a new opening.
    ctx.clock.advance(5 * 60_000 + 1000);
    await ticketFor(client);
    expect(await consultationCount(ctx)).toBe(before + 3);
  });

  it('the hand-off window is the network setting ssoHandOffMinutes', async () => {
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, ssoHandOffMinutes: 1 } });
    try {
      const client = await as(await activePatron());
      const before = await consultationCount(ctx);
      await catalogClick(client);
      ctx.clock.advance(50_000);
      await ticketFor(client);
      expect(await consultationCount(ctx)).toBe(before + 1);
      ctx.clock.advance(61_000);
      await ticketFor(client);
      expect(await consultationCount(ctx)).toBe(before + 2);
    } finally {
      await updateNetwork(ctx.database.db, { settings: network.settings });
    }
  });
});

describe('tickets: single use, short-lived, bound to their service', () => {
  it('a replayed ticket is INVALID_TICKET', async () => {
    const ticket = await ticketFor(await as(await activePatron()));
    expect((await validate(ticket)).body).toContain('authenticationSuccess');
    const again = await validate(ticket);
    expect(again.body).toContain('<cas:authenticationFailure code="INVALID_TICKET">');
    expect(again.body).not.toContain('authenticationSuccess');
  });

  it('an expired ticket is INVALID_TICKET (network setting: 10 s), a per-service validity wins', async () => {
    const client = await as(await activePatron());
    const ticket = await ticketFor(client);
    ctx.clock.advance(11_000);
    expect((await validate(ticket)).body).toContain('code="INVALID_TICKET"');
    // Within 10 s it passes.
    ctx.clock.set(START);
    const fresh = await ticketFor(client);
    ctx.clock.advance(9_000);
    expect((await validate(fresh)).body).toContain('authenticationSuccess');
    // The administrator gives this service 60 s.
    await saveCasServiceConfig(ctx.deps, staffActor(admin), resourceId, {
      enabled: true,
      servicePrefix: SERVICE_PREFIX,
      attributes: ['nom', 'prenom', 'categorie_age', 'bibliotheque', 'fin_abonnement'],
      ticketSeconds: 60,
    });
    ctx.clock.set(START);
    const longer = await ticketFor(client);
    ctx.clock.advance(45_000);
    expect((await validate(longer)).body).toContain('authenticationSuccess');
    await ctx.database.db.update(casServices).set({ ticketSeconds: null });
  });

  it('a ticket presented for another service is INVALID_SERVICE, and is then spent', async () => {
    const ticket = await ticketFor(await as(await activePatron()));
    const other = `${SERVICE_PREFIX}autre-page`;
    const res = await validate(ticket, other);
    expect(res.body).toContain('code="INVALID_SERVICE"');
    expect((await validate(ticket)).body).toContain('code="INVALID_TICKET"');
  });

  it('missing parameters are INVALID_REQUEST; an unknown format or a proxy ticket are refused', async () => {
    const noTicket = await ctx.app.inject({ method: 'GET', url: '/cas/serviceValidate?service=x' });
    expect(noTicket.body).toContain('code="INVALID_REQUEST"');
    const json = await ctx.app.inject({ method: 'GET', url: '/cas/p3/serviceValidate?format=JSON' });
    expect(json.json().serviceResponse.authenticationFailure.code).toBe('INVALID_REQUEST');
    const format = await ctx.app.inject({
      method: 'GET',
      url: '/cas/serviceValidate?service=x&ticket=ST-1&format=YAML',
    });
    expect(format.body).toContain('code="INVALID_REQUEST"');
    const proxy = await validate('PT-123456', SERVICE, '', '/cas/proxyValidate');
    expect(proxy.body).toContain('code="INVALID_TICKET"');
    const bogus = await validate('ST-<script>', SERVICE);
    expect(bogus.body).toContain('code="INVALID_TICKET_SPEC"');
    expect(bogus.body).not.toContain('<script>');
  });

  it('/cas/proxyValidate validates service tickets; a pgtUrl is refused (no proxy tickets)', async () => {
    const client = await as(await activePatron());
    expect((await validate(await ticketFor(client), SERVICE, '', '/cas/p3/proxyValidate')).body).toContain(
      'authenticationSuccess',
    );
    const withPgt = await validate(
      await ticketFor(client),
      SERVICE,
      '&pgtUrl=https%3A%2F%2Ffournisseur.example%2Fpgt',
    );
    expect(withPgt.body).toContain('code="INVALID_PROXY_CALLBACK"');
  });

  it('the log line of a validation holds no ticket', () => {
    const line = redactUrl('/cas/serviceValidate?service=https%3A%2F%2Fa.example%2F&ticket=ST-secret123');
    expect(line).not.toContain('ST-secret123');
    expect(line).toContain('ticket=[masqué]');
  });
});

describe('the service registry', () => {
  it('an unregistered service gets a French page, no redirect, no ticket', async () => {
    const client = await as(await activePatron());
    const rows = await ticketRows();
    for (const service of [
      'https://pirate.example/bibliotheque/',
      'https://fournisseur.example/ailleurs/',
      'https://fournisseur.example/bibliotheque.pirate.example/',
      'https://fournisseur.example.pirate.example/bibliotheque/',
      'http://fournisseur.example/bibliotheque/',
      'https://user:pw@fournisseur.example/bibliotheque/',
      'javascript:alert(1)//https://fournisseur.example/bibliotheque/',
    ]) {
      const res = await client.get(loginUrl(service));
      expect(res.statusCode, service).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toContain('n’est pas un fournisseur enregistré auprès de Sésame');
    }
    expect(await ticketRows()).toBe(rows);
  });

  it('a disabled service, or a deactivated resource, gets nothing', async () => {
    const client = await as(await activePatron());
    await ctx.database.db.update(casServices).set({ enabled: false });
    expect((await client.get(loginUrl(SERVICE))).statusCode).toBe(400);
    await ctx.database.db.update(casServices).set({ enabled: true });
    await ctx.database.db.execute(sql`update resources set active = false where id = ${resourceId}`);
    expect((await client.get(loginUrl(SERVICE))).statusCode).toBe(400);
    await ctx.database.db.execute(sql`update resources set active = true where id = ${resourceId}`);
    expect((await client.get(loginUrl(SERVICE))).statusCode).toBe(303);
  });
});

describe('renew and gateway', () => {
  it('a visitor is sent to Sésame’s login page, which comes back to /cas/login', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: loginUrl(SERVICE) });
    expect(res.statusCode).toBe(303);
    const to = new URL(String(res.headers.location), 'http://x');
    expect(to.pathname).toBe('/connexion');
    expect(to.searchParams.get('suite')).toBe(`${loginUrl(SERVICE)}&apres_connexion=1`);
  });

  it('the whole trip: login form, then a ticket', async () => {
    const p = await activePatron({ passwordHash: await hashPassword('Lecture-du-soir-9') });
    const visitor = new ProbeClient(ctx.app, 'visitor');
    await visitor.loadCsrf('/connexion');
    const suite = `${loginUrl(SERVICE)}&apres_connexion=1`;
    const posted = await visitor.post('/connexion', {
      login: p.identifier!,
      password: 'Lecture-du-soir-9',
      suite,
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe(suite);
    const cookie = posted.cookies.find((c) => c.name === 'sesame_session')!;
    visitor.session = cookie.value;
    // Back from the form: a page that moves on to the service with the ticket (Refresh header).
    const back = await visitor.get(suite);
    expect(back.statusCode).toBe(200);
    const refresh = String(back.headers.refresh);
    expect(refresh).toMatch(/^0;url=https:\/\/fournisseur\.example\/bibliotheque\/films\?page=1&ticket=ST-/);
    const ticket = new URL(refresh.slice('0;url='.length)).searchParams.get('ticket')!;
    expect((await validate(ticket)).body).toContain('authenticationSuccess');
  });

  it('gateway=true with nobody logged in goes back to the service without a ticket', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: loginUrl(SERVICE, '&gateway=true') });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(SERVICE);
    // A logged-in patron does get one.
    await ticketFor(await as(await activePatron()), SERVICE, '&gateway=true');
  });

  it('gateway=true never redirects to an unregistered service', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: loginUrl('https://pirate.example/', '&gateway=true'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('renew=true asks for the password again; its ticket then passes a renew validation', async () => {
    const p = await activePatron();
    const client = await as(p);
    ctx.clock.advance(5 * 60_000);
    // An old session: ended, back to the login page.
    const res = await client.get(loginUrl(SERVICE, '&renew=true'));
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toMatch(/^\/connexion\?suite=/);
    const left = await ctx.database.db.select().from(sessions).where(eq(sessions.principalId, p.id));
    expect(left).toEqual([]);
    // A session just opened (the password typed on /connexion) gets the ticket.
    const fresh = await as(p);
    const ticket = await ticketFor(fresh, SERVICE, '&renew=true');
    const ok = await validate(ticket, SERVICE, '&renew=true');
    expect(ok.body).toContain('<cas:isFromNewLogin>true</cas:isFromNewLogin>');
    // A ticket from single sign-on fails a renew validation.
    ctx.clock.advance(5 * 60_000);
    const sso = await ticketFor(fresh);
    expect((await validate(sso, SERVICE, '&renew=true')).body).toContain('code="INVALID_TICKET"');
  });
});

describe('refusals before any ticket', () => {
  async function refused(p: PatronRow, code: string) {
    const rows = await ticketRows();
    const before = await consultationCount(ctx);
    const res = await (await as(p)).get(loginUrl(SERVICE));
    expect(res.statusCode).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain(`data-refus="${code}"`);
    expect(await ticketRows()).toBe(rows);
    expect(await consultationCount(ctx)).toBe(before);
    return res.body;
  }

  it('an expired subscription', async () => {
    const body = await refused(await activePatron({ activeUntil: '2026-11-01' }), 'subscription_expired');
    expect(body).toContain('Abonnement expiré le 01/11/2026');
  });

  it('an age below the resource’s audience', async () => {
    await ctx.database.db.execute(sql`update resources set audience = '16' where id = ${resourceId}`);
    try {
      const body = await refused(
        await activePatron({ birthDate: '2014-05-01', birthYear: 2014 }),
        'age_restricted',
      );
      expect(body).toContain('Contenu réservé aux 16 ans et plus');
    } finally {
      await ctx.database.db.execute(sql`update resources set audience = 'all' where id = ${resourceId}`);
    }
  });

  it('a library that does not subscribe to the resource', async () => {
    await ctx.database.db.execute(sql`update resources set all_libraries = false where id = ${resourceId}`);
    await setResourceLibraries(ctx.database.db, resourceId, [libB.id]);
    try {
      await refused(await activePatron(), 'not_subscribed');
    } finally {
      await ctx.database.db.execute(sql`update resources set all_libraries = true where id = ${resourceId}`);
    }
  });

  it('a right withdrawn by the library', async () => {
    const p = await activePatron();
    await setPatronRight(ctx.database.db, {
      patronId: p.id,
      resourceId,
      withdrawn: true,
      staffId: staffA.id,
      label: staffA.name,
      at: ctx.clock.now(),
    });
    await refused(p, 'right_withdrawn');
  });

  it('a staff session gets no ticket', async () => {
    const client = await new ProbeClient(ctx.app, 'staff').signIn(ctx, 'staff', staffA.id);
    const res = await client.get(loginUrl(SERVICE));
    expect(res.statusCode).toBe(403);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('logout', () => {
  it('asks first, then ends the session and goes to a registered service only', async () => {
    const p = await activePatron();
    const client = await as(p);
    const page = await client.get(`/cas/logout?service=${encodeURIComponent(SERVICE)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/cas/logout"');
    // The GET alone ended nothing.
    expect(await ctx.database.db.select().from(sessions).where(eq(sessions.principalId, p.id))).toHaveLength(
      1,
    );
    await client.loadCsrf();
    const res = await client.post('/cas/logout', { service: SERVICE });
    expect(res.statusCode).toBe(200);
    expect(res.headers.refresh).toBe(`0;url=${SERVICE}`);
    expect(res.body).toContain('Vous êtes déconnecté');
    expect(await ctx.database.db.select().from(sessions).where(eq(sessions.principalId, p.id))).toEqual([]);

    const other = await as(p);
    await other.loadCsrf();
    const elsewhere = await other.post('/cas/logout', { service: 'https://pirate.example/' });
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.headers.location).toBeUndefined();
    expect(elsewhere.body).toContain('Vous êtes déconnecté');
  });

  it('without a session: straight to a registered service, never to another one', async () => {
    const ok = await ctx.app.inject({
      method: 'GET',
      url: `/cas/logout?service=${encodeURIComponent(SERVICE)}`,
    });
    expect(ok.headers.location).toBe(SERVICE);
    const no = await ctx.app.inject({
      method: 'GET',
      url: '/cas/logout?service=https%3A%2F%2Fpirate.example%2F',
    });
    expect(no.statusCode).toBe(200);
    expect(no.headers.location).toBeUndefined();
  });
});

describe('the registry page (network administrators only)', () => {
  it('library staff are refused, a visitor goes to the login page', async () => {
    const url = `/admin/ressources/${resourceId}/cas`;
    const staff = await new ProbeClient(ctx.app, 'staff').signIn(ctx, 'staff', staffA.id);
    expect((await staff.get(url)).statusCode).toBe(403);
    await staff.loadCsrf();
    const before = await findCasService(ctx.database.db, resourceId);
    const res = await staff.post(url, { enabled: 'oui', servicePrefix: 'https://pirate.example/' });
    expect(res.statusCode).toBe(403);
    expect(await findCasService(ctx.database.db, resourceId)).toEqual(before);
    const visitor = await ctx.app.inject({ method: 'GET', url });
    expect(visitor.statusCode).toBe(303);
    expect(String(visitor.headers.location)).toMatch(/^\/connexion/);
  });

  it('the administrator saves it; bad input is shown next to its field, nothing written', async () => {
    const other = await addResource(ctx, { kind: 'unlimited', category: null });
    const url = `/admin/ressources/${other.id}/cas`;
    const client = await new ProbeClient(ctx.app, 'admin').signIn(ctx, 'staff', admin.id);
    const page = await client.get(`/admin/ressources/${other.id}`);
    expect(page.body).toContain(`href="${url}"`);
    expect((await client.get(url)).statusCode).toBe(200);
    await client.loadCsrf();
    const bad = await client.post(url, {
      enabled: 'oui',
      servicePrefix: 'http://presse.example/',
      ticketSeconds: '9000',
      attributes: ['nom', 'mot_de_passe'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Saisissez une adresse complète en https');
    expect(bad.body).toContain('Saisissez un nombre de secondes entre 1 et 300');
    expect(bad.body).toContain('value="http://presse.example/"');
    expect(await findCasService(ctx.database.db, other.id)).toBeNull();

    const ok = await client.post(url, {
      enabled: 'oui',
      servicePrefix: 'https://presse.example',
      attributes: ['courriel', 'identifiant'],
    });
    expect(ok.statusCode).toBe(303);
    const saved = await findCasService(ctx.database.db, other.id);
    expect(saved).toMatchObject({
      enabled: true,
      servicePrefix: 'https://presse.example/',
      attributes: ['identifiant', 'courriel'],
      ticketSeconds: null,
    });
    // An unknown resource: 404.
    expect((await client.get('/admin/ressources/00000000-0000-4000-8000-000000000000/cas')).statusCode).toBe(
      404,
    );
  });
});
