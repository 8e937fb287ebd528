import { hash as argon2Hash } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertPatron, type NewPatron } from '../../src/db/repositories/patrons.js';
import { outbox, patrons, sessions, staff as staffTable, tokens } from '../../src/db/schema.js';
import { MINUTE } from '../../src/domain/clock.js';
import { ARGON2_OPTIONS, needsRehash } from '../../src/security/passwords.js';
import { sha256 } from '../../src/security/tokens.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

let ctx: TestContext;
let libraryId: string;
let n = 0;
/** A fresh account per test: throttles and sessions of one test never leak into another. */
async function account(extra: { role?: 'library_staff' | 'network_admin' } = {}) {
  n++;
  return addStaff(ctx, {
    identifier: `agent${n}`,
    email: `agent${n}@exemple.fr`,
    role: extra.role ?? 'library_staff',
    libraryIds: extra.role === 'network_admin' ? [] : [libraryId],
  });
}
/** Each test browses from its own address so per-IP counters stay per test. */
const browser = () => new TestBrowser(ctx.app, `198.51.100.${n + 1}`);

beforeAll(async () => {
  ctx = await createTestApp();
  libraryId = (await addLibrary(ctx)).id;
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.clock.set('2026-11-23T09:00:00Z');
});

async function mailsTo(address: string) {
  return ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, address));
}

/** An active patron of the test library, registered today; `values` names and changes the rest. */
async function addPatron(
  values: Partial<NewPatron> & { birthDate: string; lastName: string; email: string; identifier: string },
) {
  const now = ctx.clock.now();
  return insertPatron(ctx.database.db, {
    libraryId,
    state: 'active',
    channel: 'self',
    birthYear: Number(values.birthDate.slice(0, 4)),
    registeredAt: now,
    emailConfirmedAt: now,
    activeUntil: '2027-11-22',
    createdAt: now,
    updatedAt: now,
    ...values,
  });
}

describe('login', () => {
  it('opens a session with an HttpOnly, SameSite=Lax cookie and goes to the dashboard', async () => {
    const s = await account();
    const b = browser();
    const res = await b.logIn(s.identifier, s.password);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const cookie = res.cookies.find((c) => c.name === 'sesame_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
    const home = await b.get('/admin');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`Bonjour Agent ${s.identifier}`);
  });

  it('accepts the e-mail address and ignores the case of the identifier', async () => {
    const s = await account();
    expect((await browser().logIn(s.email.toUpperCase(), s.password)).headers.location).toBe('/admin');
    expect((await browser().logIn(s.identifier.toUpperCase(), s.password)).headers.location).toBe('/admin');
  });

  it('refuses a wrong password with a French message by the field, keeping the identifier but not the password', async () => {
    const s = await account();
    const b = browser();
    const res = await b.logIn(s.identifier, 'mauvais-mot-de-passe');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Identifiant ou mot de passe incorrect.');
    expect(res.body).toContain(`value="${s.identifier}"`);
    expect(res.body).not.toContain('mauvais-mot-de-passe');
    expect(res.cookies.find((c) => c.name === 'sesame_session')).toBeUndefined();
  });

  it('gives the same answer for an unknown account', async () => {
    const res = await browser().logIn('personne', 'peu-importe-1');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Identifiant ou mot de passe incorrect.');
  });

  it('says which fields are missing', async () => {
    const res = await browser().post('/connexion', { login: '', password: '' }, { from: '/connexion' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez votre identifiant ou votre adresse électronique.');
    expect(res.body).toContain('Saisissez votre mot de passe.');
    expect(res.body).toContain('fr-alert--error');
  });

  it('marks the cookie Secure when the public address is https', async () => {
    const secure = await createTestApp({ env: { BASE_URL: 'https://numerique.exemple.fr' } });
    try {
      const s = await addStaff(secure, { identifier: 'sec1' });
      const res = await new TestBrowser(secure.app).logIn('sec1', s.password);
      expect(res.cookies.find((c) => c.name === 'sesame_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('returns to the page first asked for, and only to a local path', async () => {
    const s = await account({ role: 'network_admin' });
    const b = browser();
    const asked = await b.get('/admin?onglet=securite');
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/connexion?suite=%2Fadmin%3Fonglet%3Dsecurite');
    await b.get(asked.headers.location as string);
    expect(b.lastHtml).toContain('name="suite" value="/admin?onglet=securite"');
    const res = await b.post(
      '/connexion',
      { login: s.identifier, password: s.password, suite: '/admin?onglet=securite' },
      { csrf: await b.csrf() },
    );
    expect(res.headers.location).toBe('/admin?onglet=securite');

    for (const evil of [
      '//evil.example/x',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const other = browser();
      const r = await other.post(
        '/connexion',
        { login: s.identifier, password: s.password, suite: evil },
        { from: '/connexion' },
      );
      expect(r.headers.location).toBe('/admin');
    }
  });

  it('never returns to another site or to a path a header cannot carry, logged in or not', async () => {
    const s = await account({ role: 'network_admin' });
    const b = browser();
    await b.logIn(s.identifier, s.password);
    const tricks = [
      '%2F%09%2Fevil.example%2Fphish', // "/\t/evil.example/phish": Chromium drops the tab
      '%2F%09%5Cevil.example', // "/\t\\evil.example"
      '%2F%5C%2Fevil.example',
      '%2F.%2F%2Fevil.example', // resolves to "//evil.example"
      '%2F%0D%0ASet-Cookie%3Ax%3D1',
      '%2Fadmin%01',
      '%2Fadmin%2F%E2%82%AC', // "/admin/€": not Latin-1
      'http%3A%2F%2Fevil.example',
    ];
    for (const suite of tricks) {
      const res = await b.get(`/connexion?suite=${suite}`);
      expect(res.statusCode, suite).toBe(303);
      expect(res.headers.location, suite).toBe('/admin');
    }
    const kept = await b.get('/connexion?suite=%2Fadmin%2Fusagers%3Fq%3DZo%C3%A9%23liste');
    expect(kept.headers.location).toBe('/admin/usagers?q=Zo%C3%A9#liste');

    for (const suite of [
      '/\t/evil.example/phish',
      '/\t\\evil.example',
      '/admin/\u20ac',
      '/.//evil.example',
    ]) {
      const other = browser();
      const r = await other.post(
        '/connexion',
        { login: s.identifier, password: s.password, suite },
        { from: '/connexion' },
      );
      expect(r.statusCode, suite).toBe(303);
      expect(r.headers.location, suite).toBe('/admin');
    }
  });

  it('refuses a disabled account', async () => {
    const s = await account();
    await ctx.database.db
      .update(staffTable)
      .set({ disabledAt: ctx.clock.now() })
      .where(eq(staffTable.id, s.id));
    const res = await browser().logIn(s.identifier, s.password);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Ce compte est désactivé');
  });

  it('moves a hash made with older argon2 parameters to today’s at the first right password, not at a wrong one', async () => {
    const s = await account();
    // The parameters used before (OWASP's minimum): such hashes exist in databases made then.
    const old = await argon2Hash(s.password, {
      algorithm: 2,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    await ctx.database.db.update(staffTable).set({ passwordHash: old }).where(eq(staffTable.id, s.id));
    const storedHash = async () =>
      (await ctx.database.db.select().from(staffTable).where(eq(staffTable.id, s.id)))[0]!.passwordHash!;

    expect((await browser().logIn(s.identifier, 'pas-le-bon-1')).statusCode).toBe(400);
    expect(await storedHash()).toBe(old);

    expect((await browser().logIn(s.identifier, s.password)).headers.location).toBe('/admin');
    const upgraded = await storedHash();
    expect(upgraded).not.toBe(old);
    expect(upgraded).toMatch(
      `$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`,
    );
    expect(needsRehash(upgraded)).toBe(false);
    // The same password still opens the account, and the next login leaves the new hash alone.
    expect((await browser().logIn(s.identifier, s.password)).headers.location).toBe('/admin');
    expect(await storedHash()).toBe(upgraded);
  });

  it('moves a patron’s old hash to today’s parameters too', async () => {
    const old = await argon2Hash('Lecture-du-soir-9', {
      algorithm: 2,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    const patron = await addPatron({
      lastName: 'Ancien',
      firstName: 'Hash',
      birthDate: '1970-05-06',
      email: `ancien.hash${n}@exemple.fr`,
      identifier: `ancien.hash${n}`,
      passwordHash: old,
    });
    const storedHash = async () =>
      (await ctx.database.db.select().from(patrons).where(eq(patrons.id, patron.id)))[0]!.passwordHash!;
    expect((await browser().logIn(patron.identifier!, 'Lecture-du-soir-9')).headers.location).toBe(
      '/mon-compte',
    );
    const upgraded = await storedHash();
    expect(upgraded).not.toBe(old);
    expect(needsRehash(upgraded)).toBe(false);
  });
});

describe('brute-force defence', () => {
  it('locks the account after repeated failures, with growing delays, then lets the owner in', async () => {
    const s = await account();
    const b = browser();
    for (let i = 1; i <= 4; i++) expect((await b.logIn(s.identifier, `faux-${i}`)).statusCode).toBe(400);
    const fifth = await b.logIn(s.identifier, 'faux-5');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.body).toContain(
      'Trop de tentatives de connexion. Vous pourrez réessayer après le 23/11/2026 à 10:00',
    );

    // Even the right password is refused while locked, from any address.
    const meanwhile = await new TestBrowser(ctx.app, '192.0.2.77').logIn(s.identifier, s.password);
    expect(meanwhile.statusCode).toBe(429);

    ctx.clock.advance(31_000);
    // One more failure after the lock: the next lock is twice as long.
    const again = await b.logIn(s.identifier, 'faux-6');
    expect(again.statusCode).toBe(429);
    expect(again.body).toContain('après le 23/11/2026 à 10:01');
    ctx.clock.advance(61_000);
    const ok = await b.logIn(s.identifier, s.password);
    expect(ok.statusCode).toBe(303);
    // Success clears the counter: a later typo is not punished.
    expect((await browser().logIn(s.identifier, 'coquille')).statusCode).toBe(400);
  });

  it('limits attempts per IP address across accounts, shared through the database', async () => {
    const limited = await createTestApp();
    try {
      const { updateNetwork, getNetwork } = await import('../../src/db/repositories/network.js');
      const network = await getNetwork(limited.database.db);
      await updateNetwork(limited.database.db, {
        settings: { ...network.settings, loginIpPerQuarterHour: 5 },
      });
      const s = await addStaff(limited, { identifier: 'victime' });
      const attacker = new TestBrowser(limited.app, '203.0.113.66');
      for (let i = 0; i < 5; i++) expect((await attacker.logIn(`inconnu${i}`, 'x')).statusCode).toBe(400);
      const blocked = await attacker.logIn(s.identifier, s.password);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Trop de tentatives de connexion depuis votre réseau');
      // Another address is not affected.
      expect(
        (await new TestBrowser(limited.app, '203.0.113.67').logIn(s.identifier, s.password)).statusCode,
      ).toBe(303);
      limited.clock.advance(16 * MINUTE);
      expect((await attacker.logIn(s.identifier, s.password)).statusCode).toBe(303);
    } finally {
      await limited.close();
    }
  });
});

describe('lockouts without collateral damage', () => {
  it('counts failures per account, whether it is named by its identifier or its e-mail', async () => {
    const s = await account();
    const b = browser();
    for (const login of [s.identifier, s.email, s.identifier.toUpperCase(), s.email])
      expect((await b.logIn(login, 'faux')).statusCode).toBe(400);
    const fifth = await b.logIn(s.email.toUpperCase(), 'faux');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.body).toContain('Trop de tentatives de connexion. Vous pourrez réessayer');
    // The lock holds for the other name too.
    expect((await browser().logIn(s.identifier, s.password)).statusCode).toBe(429);
  });

  it('locks a login that names no account like an account, so that a lock tells nothing', async () => {
    const b = browser();
    for (let i = 0; i < 4; i++) expect((await b.logIn('personne-ici', 'faux')).statusCode).toBe(400);
    expect((await b.logIn('personne-ici', 'faux')).statusCode).toBe(429);
  });

  it('keeps letting in, from an address past its limit, the accounts this browser logged in to before', async () => {
    const limited = await createTestApp();
    try {
      const { updateNetwork, getNetwork } = await import('../../src/db/repositories/network.js');
      const network = await getNetwork(limited.database.db);
      await updateNetwork(limited.database.db, {
        settings: { ...network.settings, loginIpPerQuarterHour: 5 },
      });
      const regular = await addStaff(limited, { identifier: 'habituee' });
      const newcomer = await addStaff(limited, { identifier: 'nouvelle' });
      // A library's public address: the regular logged in here yesterday, on her own browser.
      const hers = new TestBrowser(limited.app, '203.0.113.80');
      expect((await hers.logIn(regular.identifier, regular.password)).statusCode).toBe(303);
      expect(hers.cookies.get('sesame_appareil')).toBeTruthy();
      await hers.post('/deconnexion', {}, { from: '/admin' });

      // Someone else at the same address fails on many accounts.
      const attacker = new TestBrowser(limited.app, '203.0.113.80');
      for (let i = 0; i < 5; i++) await attacker.logIn(`inconnu${i}`, 'x');
      expect((await attacker.logIn(regular.identifier, 'devine')).statusCode).toBe(429);

      // The regular still gets in; her device cookie does not help anyone else.
      expect((await hers.logIn(regular.identifier, regular.password)).statusCode).toBe(303);
      const sharing = new TestBrowser(limited.app, '203.0.113.80');
      sharing.cookies.set('sesame_appareil', hers.cookies.get('sesame_appareil')!);
      expect((await sharing.logIn(newcomer.identifier, newcomer.password)).statusCode).toBe(429);
      // A forged cookie proves nothing.
      const forger = new TestBrowser(limited.app, '203.0.113.80');
      forger.cookies.set('sesame_appareil', `account:staff:${newcomer.id}.fausse-signature`);
      expect((await forger.logIn(newcomer.identifier, newcomer.password)).statusCode).toBe(429);
      // Her own account's lock still applies to her browser: the cookie lifts the address's limit only.
      for (let i = 0; i < 5; i++) await hers.logIn(regular.identifier, `faux-${i}`);
      expect((await hers.logIn(regular.identifier, regular.password)).statusCode).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('sessions', () => {
  it('gives a new session id at every login and ends it at logout', async () => {
    const s = await account();
    const b = browser();
    await b.logIn(s.identifier, s.password);
    const first = b.cookies.get('sesame_session');
    await b.logIn(s.identifier, s.password);
    const second = b.cookies.get('sesame_session');
    expect(first).toBeTruthy();
    expect(second).not.toBe(first);
    // Only hashes are stored.
    const stored = await ctx.database.db.select().from(sessions).where(eq(sessions.principalId, s.id));
    expect(stored.map((r) => r.idHash)).toContain(sha256(second!));
    expect(stored.map((r) => r.idHash)).not.toContain(second);

    const out = await b.post('/deconnexion', {}, { from: '/admin' });
    expect(out.statusCode).toBe(303);
    const stolen = new TestBrowser(ctx.app);
    stolen.cookies.set('sesame_session', second!);
    expect((await stolen.get('/admin')).statusCode).toBe(303);
  });

  it('keeps exactly the session it hands out, and none after a refused login', async () => {
    const s = await account();
    const sessionsOf = (id: string) =>
      ctx.database.db.select().from(sessions).where(eq(sessions.principalId, id));
    const allSessions = async () => (await ctx.database.db.select().from(sessions)).length;
    const before = await allSessions();
    // An unknown account and one that may not log in leave nothing either.
    expect((await browser().logIn('personne.inconnue', 'peu-importe-1')).statusCode).toBe(400);
    expect(await allSessions()).toBe(before);
    const b = browser();
    // Wrong password, then a locked account: the lookup's session is deleted, or never written.
    for (let i = 1; i <= 5; i++) await b.logIn(s.identifier, `faux-${i}`);
    expect((await b.logIn(s.identifier, s.password)).statusCode).toBe(429);
    expect(await sessionsOf(s.id)).toEqual([]);
    expect(await allSessions()).toBe(before);
    ctx.clock.advance(31_000);
    const ok = await b.logIn(s.identifier, s.password);
    expect(ok.statusCode).toBe(303);
    const stored = await sessionsOf(s.id);
    expect(stored.map((r) => r.idHash)).toEqual([sha256(b.cookies.get('sesame_session')!)]);
    expect(stored[0]).toMatchObject({ principalKind: 'staff', ip: `198.51.100.${n + 1}` });
    expect((await b.get('/admin')).statusCode).toBe(200);
  });

  it('opens the session of the account the rules pick when an e-mail names several', async () => {
    const { hashPassword } = await import('../../src/security/passwords.js');
    const email = `partage${n}@exemple.fr`;
    // Two staff accounts share the address, so it logs neither in; one patron has it too.
    const first = await addStaff(ctx, { identifier: `partage-a${n}`, email, libraryIds: [libraryId] });
    const second = await addStaff(ctx, { identifier: `partage-b${n}`, email, libraryIds: [libraryId] });
    const patron = await addPatron({
      channel: 'staff',
      lastName: 'Partage',
      firstName: 'Lou',
      birthDate: '1985-03-02',
      email,
      identifier: `lou.partage${n}`,
      passwordHash: await hashPassword('Lecture-du-soir-9'),
    });
    const b = browser();
    // The staff password by the shared address: refused, and no session left for anyone.
    expect((await b.logIn(email, first.password)).statusCode).toBe(400);
    const all = async () =>
      (await ctx.database.db.select().from(sessions)).filter((r) =>
        [first.id, second.id, patron.id].includes(r.principalId),
      );
    expect(await all()).toEqual([]);
    // The patron's password by the same address: the patron is let in, and only the patron.
    const login = await b.logIn(email, 'Lecture-du-soir-9');
    expect(login.headers.location).toBe('/mon-compte');
    const stored = await all();
    expect(stored.map((r) => [r.principalKind, r.principalId, r.idHash])).toEqual([
      ['patron', patron.id, sha256(b.cookies.get('sesame_session')!)],
    ]);
  });

  it('ignores a session id planted before login', async () => {
    const s = await account();
    const b = browser();
    b.cookies.set('sesame_session', 'planted-by-an-attacker-0000000000000000');
    await b.logIn(s.identifier, s.password);
    expect(b.cookies.get('sesame_session')).not.toBe('planted-by-an-attacker-0000000000000000');
    expect((await b.get('/admin')).statusCode).toBe(200);
  });

  it('expires after the idle timeout and says so on the login page', async () => {
    const s = await account();
    const b = browser();
    await b.logIn(s.identifier, s.password);
    ctx.clock.advance(59 * MINUTE);
    expect((await b.get('/admin')).statusCode).toBe(200);
    ctx.clock.advance(61 * MINUTE);
    const res = await b.get('/admin');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/connexion?suite=%2Fadmin&expiree=1');
    const page = await b.get(res.headers.location as string);
    expect(page.body).toContain('Votre session a expiré.');
  });

  it('expires after the absolute timeout even when used all along', async () => {
    const s = await account();
    const b = browser();
    await b.logIn(s.identifier, s.password);
    for (let i = 0; i < 23; i++) {
      ctx.clock.advance(30 * MINUTE);
      expect((await b.get('/admin')).statusCode).toBe(200);
    }
    ctx.clock.advance(31 * MINUTE);
    expect((await b.get('/admin')).statusCode).toBe(303);
  });
});

describe('forgotten password', () => {
  function normalise(html: string) {
    return html.replace(/name="_csrf" value="[^"]+"/g, '');
  }

  it('answers the same for a known and an unknown account, e-mailing only the known one', async () => {
    const s = await account();
    const known = await browser().post(
      '/mot-de-passe-oublie',
      { login: s.identifier },
      { from: '/mot-de-passe-oublie' },
    );
    const unknown = await browser().post(
      '/mot-de-passe-oublie',
      { login: 'fantome@exemple.fr' },
      { from: '/mot-de-passe-oublie' },
    );
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(normalise(known.body)).toBe(normalise(unknown.body));
    expect(known.body).toContain('Vérifiez votre messagerie');
    expect(await mailsTo(s.email)).toHaveLength(1);
    expect(await mailsTo('fantome@exemple.fr')).toHaveLength(0);
  });

  it('sends a single-use link stored only as a hash; the new password works and the old one does not', async () => {
    const s = await account();
    await browser().post('/mot-de-passe-oublie', { login: s.email }, { from: '/mot-de-passe-oublie' });
    const [mail] = await mailsTo(s.email);
    expect(mail!.subject).toContain('Réinitialisation de votre mot de passe');
    const url = /http:\/\/sesame\.test(\/mot-de-passe\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    const token = url.split('/').pop()!;
    const rows = await ctx.database.db.select().from(tokens).where(eq(tokens.principalId, s.id));
    expect(rows.map((r) => r.hash)).toContain(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    const b = browser();
    const form = await b.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.headers['referrer-policy']).toBe('no-referrer');
    expect(form.body).toContain('Au moins 8 caractères');
    const done = await b.post(
      url,
      { password: 'Nouveau-secret-77', confirmation: 'Nouveau-secret-77' },
      { csrf: await b.csrf() },
    );
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toMatch(/^\/connexion\?identifiant=[^&]+$/);

    const reuse = await browser().get(url);
    expect(reuse.statusCode).toBe(410);
    expect(reuse.body).toContain('Ce lien a déjà servi');
    expect(reuse.body).toContain('href="/mot-de-passe-oublie"');
    expect((await browser().logIn(s.identifier, s.password)).statusCode).toBe(400);
    expect((await browser().logIn(s.identifier, 'Nouveau-secret-77')).statusCode).toBe(303);
  });

  it('refuses an expired link and an unknown one', async () => {
    const s = await account();
    await browser().post('/mot-de-passe-oublie', { login: s.identifier }, { from: '/mot-de-passe-oublie' });
    const [mail] = await mailsTo(s.email);
    const url = /http:\/\/sesame\.test(\/mot-de-passe\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    ctx.clock.advance(61 * MINUTE);
    const expired = await browser().get(url);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('Ce lien a expiré');
    const b = browser();
    await b.get('/connexion');
    const post = await b.post(
      url,
      { password: 'Nouveau-secret-77', confirmation: 'Nouveau-secret-77' },
      { csrf: await b.csrf() },
    );
    expect(post.statusCode).toBe(410);
    expect((await browser().get('/mot-de-passe/inconnu-inconnu-inconnu-inconnu')).statusCode).toBe(404);
  });

  it('applies the network rule, checks the confirmation and writes nothing on error', async () => {
    const s = await account();
    await browser().post('/mot-de-passe-oublie', { login: s.identifier }, { from: '/mot-de-passe-oublie' });
    const [mail] = await mailsTo(s.email);
    const url = /http:\/\/sesame\.test(\/mot-de-passe\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    const [before] = await ctx.database.db.select().from(staffTable).where(eq(staffTable.id, s.id));
    const b = browser();
    await b.get(url);
    const short = await b.post(url, { password: 'court', confirmation: 'court' }, { csrf: await b.csrf() });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Le mot de passe doit contenir au moins 8 caractères.');
    expect(short.body).not.toContain('value="court"');
    const mismatch = await b.post(
      url,
      { password: 'Nouveau-secret-77', confirmation: 'Nouveau-secret-78' },
      { csrf: await b.csrf() },
    );
    expect(mismatch.body).toContain('Les deux mots de passe ne sont pas identiques.');
    const mine = await b.post(url, { password: s.email, confirmation: s.email }, { csrf: await b.csrf() });
    expect(mine.body).toContain('ne doit pas être votre identifiant');
    const [after] = await ctx.database.db.select().from(staffTable).where(eq(staffTable.id, s.id));
    expect(after!.passwordHash).toBe(before!.passwordHash);
    // The link still works after mistakes.
    expect((await browser().get(url)).statusCode).toBe(200);
  });

  it('ends every open session of the account when the password changes', async () => {
    const s = await account();
    const other = browser();
    await other.logIn(s.identifier, s.password);
    await browser().post('/mot-de-passe-oublie', { login: s.identifier }, { from: '/mot-de-passe-oublie' });
    const [mail] = await mailsTo(s.email);
    const url = /http:\/\/sesame\.test(\/mot-de-passe\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    const b = browser();
    await b.get(url);
    await b.post(
      url,
      { password: 'Nouveau-secret-77', confirmation: 'Nouveau-secret-77' },
      { csrf: await b.csrf() },
    );
    expect((await other.get('/admin')).statusCode).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a POST without token or with another session’s token, with a French 403 page', async () => {
    const s = await account();
    const missing = await browser().post(
      '/connexion',
      { login: s.identifier, password: s.password },
      { csrf: null },
    );
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('Formulaire expiré');
    expect(missing.body).not.toMatch(/at .*\.ts:\d+/);

    const victim = browser();
    await victim.logIn(s.identifier, s.password);
    const attacker = new TestBrowser(ctx.app, '203.0.113.99');
    const foreignToken = await attacker.csrf('/connexion');
    const forged = await victim.post('/deconnexion', {}, { csrf: foreignToken });
    expect(forged.statusCode).toBe(403);
    // The victim is still logged in.
    expect((await victim.get('/admin')).statusCode).toBe(200);
  });
});

describe('patrons on the same pages', () => {
  it('lets an active patron reset a forgotten password and log in to "Mon compte"; staff pages stay closed', async () => {
    const patron = await addPatron({
      lastName: 'N’Diaye-Lefèvre',
      firstName: 'Zoé',
      birthDate: '1990-07-14',
      email: 'zoe.ndiaye@exemple.fr',
      identifier: 'zoe.ndiaye',
    });
    await browser().post('/mot-de-passe-oublie', { login: 'ZOE.NDIAYE' }, { from: '/mot-de-passe-oublie' });
    const [mail] = await mailsTo('zoe.ndiaye@exemple.fr');
    expect(mail!.text).toContain('zoe.ndiaye');
    const url = /http:\/\/sesame\.test(\/mot-de-passe\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    const b = browser();
    await b.get(url);
    const done = await b.post(
      url,
      { password: 'Lecture-du-soir-9', confirmation: 'Lecture-du-soir-9' },
      { csrf: await b.csrf() },
    );
    expect(done.headers.location).toMatch(/^\/connexion\?identifiant=[^&]+$/);
    const login = await b.logIn('zoe.ndiaye@exemple.fr', 'Lecture-du-soir-9');
    expect(login.headers.location).toBe('/mon-compte');
    // A patron is never let into the back-office, and is not sent round the login page either.
    expect((await b.get('/admin')).statusCode).toBe(403);
    expect((await b.get(`/admin/bibliotheques/${libraryId}`)).statusCode).toBe(403);
    expect(patron.state).toBe('active');
    expect((await b.get('/connexion?suite=%2Fadmin')).headers.location).toBe('/mon-compte');
  });

  it('sends nothing to a patron whose address is not confirmed', async () => {
    await addPatron({
      state: 'awaiting_confirmation',
      lastName: 'Le Bihan-Kerjean',
      firstName: 'Maël',
      birthDate: '2001-02-03',
      email: 'mael.lebihan@exemple.fr',
      identifier: 'mael.lb',
      passwordHash: 'x',
      emailConfirmedAt: null,
      activeUntil: null,
    });
    await browser().post('/mot-de-passe-oublie', { login: 'mael.lb' }, { from: '/mot-de-passe-oublie' });
    expect(await mailsTo('mael.lebihan@exemple.fr')).toHaveLength(0);
  });
});
