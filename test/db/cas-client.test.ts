import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpCasClient from 'http-cas-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCasServiceConfig } from '../../src/usecases/cas/cas-service-admin.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { addPatron, staffActor } from '../helpers/decision-fixtures.js';
import { ProbeClient } from '../helpers/probe/actors.js';
import { addResource } from '../helpers/resource-fixtures.js';

/**
 * Sésame's CAS server against a CAS client it does not contain: http-cas-client (CAS 3.0 mode,
 * /p3/serviceValidate, its own XML parser), mounted in a tiny provider served by the test. The
 * browser's part (following redirects, keeping cookies) is played by fetch.
 */

let ctx: TestContext;
let sesame: string;
let provider: Server;
let providerUrl: string;
let gatewayProvider: Server;
let gatewayUrl: string;
let patronSession: string;

function casProvider(prefix: string, gateway: boolean): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const handler = httpCasClient({
        casServerUrlPrefix: prefix,
        serverName: url,
        client: { gateway, slo: false },
      });
      server.on('request', async (req, res) => {
        try {
          if (!(await handler(req, res, {}))) return res.end();
          const { principal } = req as unknown as { principal: unknown };
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(principal));
        } catch (e) {
          // The client throws when Sésame answers authenticationFailure.
          res.statusCode = 401;
          res.end(String((e as Error).message));
        }
      });
      resolve({ server, url });
    });
  });
}

beforeAll(async () => {
  ctx = await createTestApp();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  sesame = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  ({ server: provider, url: providerUrl } = await casProvider(`${sesame}/cas`, false));
  ({ server: gatewayProvider, url: gatewayUrl } = await casProvider(`${sesame}/cas`, true));
  const lib = await addLibrary(ctx, 'Médiathèque Gamma');
  const admin = await addStaff(ctx, { identifier: 'admin.client', role: 'network_admin' });
  for (const [url, attributes] of [
    [providerUrl, ['prenom', 'bibliotheque', 'fin_abonnement'] as const],
    [gatewayUrl, [] as const],
  ] as const) {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    await saveCasServiceConfig(ctx.deps, staffActor(admin), resource.id, {
      enabled: true,
      servicePrefix: `${url}/`,
      attributes: [...attributes],
      ticketSeconds: null,
    });
  }
  const patron = await addPatron(ctx, lib.id, {
    state: 'active',
    activeUntil: '2027-06-30',
    pendingSince: null,
    firstName: 'Zoé',
  });
  patronSession = (await new ProbeClient(ctx.app, 'patron').signIn(ctx, 'patron', patron.id)).session!;
});
afterAll(async () => {
  provider?.close();
  gatewayProvider?.close();
  await ctx?.close();
});

/** A browser: follows redirects by hand, one cookie jar per host. */
async function browse(
  start: string,
  jar: Map<string, string>,
): Promise<{ url: string; res: Response; hops: string[] }> {
  let url = start;
  const hops: string[] = [];
  for (let i = 0; i < 10; i++) {
    const host = new URL(url).host;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.get(host) ?? '' } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const kept = (jar.get(host) ?? '')
        .split('; ')
        .filter((p) => p && !p.startsWith(`${pair!.split('=')[0]}=`));
      jar.set(host, [...kept, pair].join('; '));
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { url, res, hops };
    url = new URL(location, url).href;
    hops.push(url);
  }
  throw new Error('too many redirects');
}

describe('a real CAS client (http-cas-client, CAS 3.0)', () => {
  it('a logged-in patron reaches the provider, which reads the attributes Sésame released', async () => {
    const jar = new Map([[new URL(sesame).host, `sesame_session=${encodeURIComponent(patronSession)}`]]);
    const { res, hops } = await browse(`${providerUrl}/livres`, jar);
    expect(hops[0]).toMatch(new RegExp(`^${sesame}/cas/login\\?service=`));
    expect(hops[1]).toMatch(/\/livres\?ticket=ST-/);
    expect(res.status).toBe(200);
    const principal = (await res.json()) as { user: string; attributes: Record<string, string> };
    expect(principal.user).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(principal.attributes).toMatchObject({
      prenom: 'Zoé',
      bibliotheque: 'Médiathèque Gamma',
      fin_abonnement: '2027-06-30',
      isFromNewLogin: 'false',
    });
    expect(principal.attributes.nom).toBeUndefined();
    expect(principal.attributes.courriel).toBeUndefined();
  });

  it('the client refuses a replayed ticket (Sésame answers INVALID_TICKET)', async () => {
    const jar = new Map([[new URL(sesame).host, `sesame_session=${encodeURIComponent(patronSession)}`]]);
    const { hops } = await browse(`${providerUrl}/revues`, jar);
    const withTicket = hops.find((h) => h.includes('ticket='))!;
    // Replayed from a fresh browser (no provider cookie): validation fails.
    const replay = await fetch(withTicket, { redirect: 'manual' });
    expect(replay.status).toBe(401);
  });

  it('a visitor is sent to Sésame’s login page', async () => {
    const { url, res } = await browse(`${providerUrl}/livres`, new Map());
    expect(new URL(url).pathname).toBe('/connexion');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Connexion');
  });

  it('gateway: a visitor comes back to the provider without a ticket', async () => {
    const { url, res, hops } = await browse(`${gatewayUrl}/accueil`, new Map());
    expect(hops.some((h) => h.startsWith(`${sesame}/cas/login`) && h.includes('gateway=true'))).toBe(true);
    expect(url.startsWith(gatewayUrl)).toBe(true);
    expect(url).not.toContain('ticket=');
    // The client's answer to "no single sign-on session".
    expect(res.status).toBe(403);
  });
});
