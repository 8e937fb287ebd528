import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNED_LINK_PARAMS } from '../../src/connectors/signed-link.js';
import { updateResource } from '../../src/db/repositories/resources.js';
import { MINUTE } from '../../src/domain/clock.js';
import { openDocument } from '../../src/usecases/resources/open-document.js';
import { addLibrary, createTestApp, type TestContext } from '../helpers/app.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource as addAnyResource, DEMO_SECRET } from '../helpers/resource-fixtures.js';

// Accès libre: the provider's checks are what is tested here, not the quota.
const addResource = (c: TestContext, values: Parameters<typeof addAnyResource>[1] = {}) =>
  addAnyResource(c, { kind: 'unlimited', category: null, ...values });

let ctx: TestContext;
let patronActor: Parameters<typeof openDocument>[1];

beforeAll(async () => {
  ctx = await createTestApp();
  const lib = await addLibrary(ctx);
  const p = await addPatron(ctx, lib.id, {
    state: 'active',
    activeUntil: '2027-11-22',
    firstName: 'Zoé',
    lastName: 'N’Diaye-Lefèvre',
    email: 'zoe.demo@exemple.fr',
  });
  patronActor = {
    kind: 'patron',
    id: p.id,
    firstName: 'Zoé',
    lastName: 'N’Diaye-Lefèvre',
    identifier: p.identifier!,
    state: 'active',
    libraryId: lib.id,
  };
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set('2026-11-23T09:00:00Z'));

const local = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe('demo provider', () => {
  it('verifies the signed link and shows the document', async () => {
    const r = await addResource(ctx, { documents: [{ id: 'film-1', title: 'Le Phare des brumes' }] });
    const { url } = await openDocument(ctx.deps, patronActor, { resourceId: r.id, document: 'film-1' });
    const res = await ctx.app.inject({ method: 'GET', url: local(url) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Le Phare des brumes');
    expect(res.body).toContain('Aucune donnée personnelle');
    expect(res.body).not.toContain('zoe.demo@exemple.fr');
  });

  it('shows the provider home with links back through Sésame', async () => {
    const r = await addResource(ctx, { documents: [{ id: 'film-2', title: 'Les Dunes d’argent' }] });
    const { url } = await openDocument(ctx.deps, patronActor, { resourceId: r.id });
    const res = await ctx.app.inject({ method: 'GET', url: local(url) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`/ressources/${r.id}/ouvrir?document=film-2`);
  });

  it.each([
    ['document', SIGNED_LINK_PARAMS.document, 'film-9'],
    ['signature', SIGNED_LINK_PARAMS.signature, 'a'.repeat(64)],
    ['pseudonym', SIGNED_LINK_PARAMS.user, 'usurpateur'],
  ])('refuses a link whose %s was changed (403, French page)', async (_l, param, value) => {
    const r = await addResource(ctx);
    const { url } = await openDocument(ctx.deps, patronActor, { resourceId: r.id, document: 'film-1' });
    const u = new URL(url);
    u.searchParams.set(param, value);
    const res = await ctx.app.inject({ method: 'GET', url: u.pathname + u.search });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Ce lien n’est pas valide');
  });

  it('refuses a link pointing at another document than the one signed', async () => {
    const r = await addResource(ctx);
    const { url } = await openDocument(ctx.deps, patronActor, { resourceId: r.id, document: 'film-1' });
    const u = new URL(url);
    const res = await ctx.app.inject({
      method: 'GET',
      url: u.pathname.replace('film-1', 'film-2') + u.search,
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses an expired link', async () => {
    const r = await addResource(ctx);
    const { url } = await openDocument(ctx.deps, patronActor, { resourceId: r.id, document: 'film-1' });
    ctx.clock.advance(6 * MINUTE);
    const res = await ctx.app.inject({ method: 'GET', url: local(url) });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Ce lien a expiré');
  });

  it('accepts the Médiathèque Numérique format and shows only the ticked fields', async () => {
    const r = await addResource(ctx, { connector: 'mn_sso', connectorConfig: { urlTemplate: 'x' } });
    await updateResource(ctx.database.db, r.id, {
      connectorConfig: {
        urlTemplate: 'http://sesame.test/fournisseur-demo/{resource}/{document}',
        loginUrl: 'http://sesame.test/fournisseur-demo/sso_login',
        ssoId: r.id,
        secret: DEMO_SECRET,
        fields: ['prenom'],
      },
    });
    const { url } = await openDocument(ctx.deps, patronActor, { resourceId: r.id, document: 'film-3' });
    const res = await ctx.app.inject({ method: 'GET', url: local(url) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Prénom : Zoé');
    expect(res.body).not.toContain('N’Diaye');
    const u = new URL(url);
    u.searchParams.set('id', 'un-autre');
    const forged = await ctx.app.inject({ method: 'GET', url: u.pathname + u.search });
    expect(forged.statusCode).toBe(403);
  });
});
