import net from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { libraryIls, sip2Accounts } from '../../src/db/schema.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';

/**
 * The web side of SIP2: providers' accounts (/admin/sip2), a library's ILS settings, and the
 * decision panel asking a scripted ILS double (raw strings) about the patron's card.
 */
let ctx: TestContext;
let libA: Library;
let libB: Library;
let admin: TestBrowser;
let staffA: TestBrowser;
let ilsServer: net.Server;
let ilsPort: number;
let ilsMode: 'active' | 'garbage' = 'active';

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'admin-sip2', role: 'network_admin' });
  const sA = await addStaff(ctx, { identifier: 'agent-alpha-sip2', libraryIds: [libA.id] });
  admin = new TestBrowser(ctx.app, '198.51.100.1');
  staffA = new TestBrowser(ctx.app, '198.51.100.2');
  expect((await admin.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staffA.logIn(sA.identifier, sA.password)).statusCode).toBe(303);
  ilsServer = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const request of chunk.split('\r').filter(Boolean)) {
        if (request.startsWith('93')) socket.write('941\r');
        else if (ilsMode === 'garbage') socket.write('¿¿¿ pas du SIP ???\r');
        else
          socket.write(
            '64              00220261123    090000000000000000000000000000AOBIB|AA0123456789|AEDURAND, Élodie|BLY|BW20271015    000000|\r',
          );
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => ilsServer.listen(0, '127.0.0.1', r));
  ilsPort = (ilsServer.address() as net.AddressInfo).port;
}, 180_000);

afterAll(async () => {
  await new Promise((r) => ilsServer?.close(r));
  await ctx?.close();
});

describe('/admin/sip2', () => {
  it('opens an account, shows its password once and keeps only its hash', async () => {
    const resource = await addResource(ctx);
    const res = await admin.post('/admin/sip2', {
      identifiant: 'fournisseur-bd',
      ressource: resource.id,
      adresses: '203.0.113.10\n2001:db8::1',
      institution: '',
    });
    expect(res.statusCode).toBe(200);
    const password = /<code class="sesame-secret">([^<]+)<\/code>/.exec(res.body)?.[1];
    expect(password).toBeTruthy();
    const [row] = await ctx.database.db
      .select()
      .from(sip2Accounts)
      .where(eq(sip2Accounts.login, 'fournisseur-bd'));
    expect(row!.passwordHash).not.toContain(password!);
    expect(await verifyPassword(row!.passwordHash, password!)).toBe(true);
    expect(row!.allowedIps).toEqual(['203.0.113.10', '2001:db8::1']);
    const list = await admin.get('/admin/sip2');
    expect(list.body).toContain('fournisseur-bd');
    expect(list.body).not.toContain(password!);
  });

  it('refuses a bad address and a taken login, keeps what was typed, writes nothing', async () => {
    const resource = await addResource(ctx);
    const before = (await ctx.database.db.select().from(sip2Accounts)).length;
    const bad = await admin.post('/admin/sip2', {
      identifiant: 'fournisseur-presse',
      ressource: resource.id,
      adresses: '203.0.113.10 pas-une-adresse',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('« pas-une-adresse » n’est pas une adresse IP');
    expect(bad.body).toContain('value="fournisseur-presse"');
    const taken = await admin.post('/admin/sip2', { identifiant: 'FOURNISSEUR-BD', ressource: resource.id });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('déjà pris');
    const noResource = await admin.post('/admin/sip2', { identifiant: 'autre', ressource: 'x' });
    expect(noResource.body).toContain('Choisissez la ressource');
    expect((await ctx.database.db.select().from(sip2Accounts)).length).toBe(before);
  });

  it('deletes an account', async () => {
    const [row] = await ctx.database.db
      .select()
      .from(sip2Accounts)
      .where(eq(sip2Accounts.login, 'fournisseur-bd'));
    const res = await admin.post('/admin/sip2/supprimer', { compte: row!.id }, { from: '/admin/sip2' });
    expect(res.statusCode).toBe(303);
    expect(await ctx.database.db.select().from(sip2Accounts).where(eq(sip2Accounts.id, row!.id))).toEqual([]);
  });

  it('is for network administrators only', async () => {
    expect((await staffA.get('/admin/sip2')).statusCode).toBe(403);
  });
});

describe('library ILS settings', () => {
  it('saves the ILS of a library; the password is never shown again and an empty one keeps it', async () => {
    const url = `/admin/bibliotheques/${libA.id}/sigb`;
    const res = await admin.post(url, {
      hote: '127.0.0.1',
      port: String(ilsPort),
      identifiant: 'sesame',
      motdepasse: 'secret-du-sigb',
      localisation: 'BIB',
    });
    expect(res.statusCode).toBe(303);
    const page = await admin.get(url);
    expect(page.body).not.toContain('secret-du-sigb');
    await admin.post(url, {
      hote: '127.0.0.1',
      port: String(ilsPort),
      identifiant: 'sesame',
      motdepasse: '',
      localisation: 'BIB',
    });
    const [row] = await ctx.database.db.select().from(libraryIls).where(eq(libraryIls.libraryId, libA.id));
    expect(row).toMatchObject({ host: '127.0.0.1', port: ilsPort, password: 'secret-du-sigb', tls: false });
  });

  it('refuses a bad port with a message next to the field, nothing written', async () => {
    const url = `/admin/bibliotheques/${libB.id}/sigb`;
    const res = await admin.post(url, { hote: 'sigb.exemple.fr', port: '99999' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Un nombre entier entre 1 et 65535');
    expect(res.body).toContain('value="sigb.exemple.fr"');
    expect(await ctx.database.db.select().from(libraryIls).where(eq(libraryIls.libraryId, libB.id))).toEqual(
      [],
    );
  });

  it('is for network administrators only', async () => {
    expect((await staffA.get(`/admin/bibliotheques/${libA.id}/sigb`)).statusCode).toBe(403);
  });
});

describe('decision panel asks the ILS', () => {
  it('shows the ILS answer under check ① and pre-ticks it when the member is active', async () => {
    ilsMode = 'active';
    const patron = await addPatron(ctx, libA.id, { cardNumber: '0123456789' });
    const page = await staffA.get(`/admin/usagers/${patron.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Adhérent actif jusqu’au 15/10/2027 selon le système de la bibliothèque');
    expect(page.body).toMatch(/name="membre" value="oui" checked/);
  });

  it('shows an ILS answering garbage as such, the box left unticked, the page served', async () => {
    ilsMode = 'garbage';
    const patron = await addPatron(ctx, libA.id, { cardNumber: '0123456789' });
    const page = await staffA.get(`/admin/usagers/${patron.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('répondu de façon incompréhensible');
    expect(page.body).not.toMatch(/name="membre" value="oui" checked/);
  });

  it('asks nothing for a library without an ILS', async () => {
    const patron = await addPatron(ctx, libB.id, { cardNumber: '0123456789' });
    const page = await admin.get(`/admin/usagers/${patron.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('selon le système de la bibliothèque');
  });
});
