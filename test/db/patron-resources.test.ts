import { and, eq } from 'drizzle-orm';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPatronById, type PatronRow } from '../../src/db/repositories/patrons.js';
import { patronResourceRights } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { ResourceRefusal } from '../../src/domain/resource-access.js';
import { openDocument } from '../../src/usecases/resources/open-document.js';
import { loadResourcesTab } from '../../src/usecases/resources/patron-rights.js';
import { ResourcesTab } from '../../src/web/views/patrons/resources-tab.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, eventCount, patronEvents, staffActor } from '../helpers/decision-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';

let ctx: TestContext;
let libA: { id: string };
let libB: { id: string };
let alpha: StaffActor;
let admin: StaffActor;
let alphaBrowser: TestBrowser;
let betaBrowser: TestBrowser;
let adminBrowser: TestBrowser;
let patronA: PatronRow;
let patronB: PatronRow;
let film: Awaited<ReturnType<typeof addResource>>;
let free: Awaited<ReturnType<typeof addResource>>;

const PASSWORD = 'Mot-de-passe-solide-1';
const recordUrl = (p: PatronRow) => `/admin/usagers/${p.id}`;
const action = (p: PatronRow, resourceId: string, verb: 'retirer' | 'retablir') =>
  `/admin/usagers/${p.id}/ressources/${resourceId}/${verb}`;

async function login(identifier: string, n: number): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, `198.51.100.${n}`);
  expect((await b.logIn(identifier, PASSWORD)).statusCode).toBe(303);
  return b;
}

const actorOf = (p: PatronRow) => ({
  kind: 'patron' as const,
  id: p.id,
  firstName: p.firstName ?? '',
  lastName: p.lastName ?? '',
  identifier: p.identifier ?? '',
  state: p.state,
  libraryId: p.libraryId,
});

async function rightRow(patronId: string, resourceId: string) {
  const [row] = await ctx.database.db
    .select()
    .from(patronResourceRights)
    .where(and(eq(patronResourceRights.patronId, patronId), eq(patronResourceRights.resourceId, resourceId)));
  return row ?? null;
}

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'agent-alpha', name: 'Agnès Alpha', libraryIds: [libA.id] });
  alpha = staffActor(a, [libA.id]);
  await addStaff(ctx, { identifier: 'agent-beta', libraryIds: [libB.id] });
  const ad = await addStaff(ctx, {
    identifier: 'admin-reseau',
    name: 'Jeanne Réseau',
    role: 'network_admin',
  });
  admin = staffActor(ad);
  alphaBrowser = await login('agent-alpha', 1);
  betaBrowser = await login('agent-beta', 2);
  adminBrowser = await login('admin-reseau', 3);
  const active = { state: 'active' as const, activeUntil: '2027-11-22', pendingSince: null };
  patronA = await addPatron(ctx, libA.id, active);
  patronB = await addPatron(ctx, libB.id, active);
  film = await addResource(ctx, { name: 'Cinéma au forfait' });
  free = await addResource(ctx, { name: 'Contes libres', kind: 'open', category: null });
});
afterAll(() => ctx?.close());

describe('Ressources tab', () => {
  it('lists each resource with today’s access and a withdraw button', async () => {
    const patron = (await findPatronById(ctx.database.db, patronA.id))!;
    const data = await loadResourcesTab(ctx.deps, alpha, patron);
    const html = renderToString(h(ResourcesTab, { data, csrf: 'jeton' }));
    expect(html).toContain('Cinéma au forfait');
    expect(html).toContain('Ressource libre, ouverte à tous');
    expect(html).toContain(`action="${action(patronA, film.id, 'retirer')}"`);
    expect(html).not.toContain(`action="${action(patronA, free.id, 'retirer')}"`);
    expect(html).toContain('<caption>');
  });

  it('lets the library withdraw then restore a resource, recorded, and the patron is refused meanwhile', async () => {
    const withdrawn = await alphaBrowser.post(action(patronA, film.id, 'retirer'), {}, { from: '/admin' });
    expect(withdrawn.statusCode).toBe(303);
    expect(withdrawn.headers.location).toBe(`${recordUrl(patronA)}#ressources`);
    expect(await rightRow(patronA.id, film.id)).toMatchObject({
      withdrawn: true,
      changedByLabel: 'Agnès Alpha',
    });
    await expect(
      openDocument(ctx.deps, actorOf(patronA), { resourceId: film.id, document: 'x' }),
    ).rejects.toSatisfy((e) => e instanceof ResourceRefusal && e.code === 'right_withdrawn');
    const patron = (await findPatronById(ctx.database.db, patronA.id))!;
    const html = renderToString(
      h(ResourcesTab, { data: await loadResourcesTab(ctx.deps, alpha, patron), csrf: 'j' }),
    );
    expect(html).toMatch(/Retirée par Agnès Alpha le \d\d\/\d\d\/\d{4}/);
    expect(html).toContain(`action="${action(patronA, film.id, 'retablir')}"`);

    const again = await alphaBrowser.post(action(patronA, film.id, 'retirer'), {}, { from: '/admin' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('est déjà retirée à cet usager');

    expect(
      (await alphaBrowser.post(action(patronA, film.id, 'retablir'), {}, { from: '/admin' })).statusCode,
    ).toBe(303);
    expect(
      (await openDocument(ctx.deps, actorOf(patronA), { resourceId: film.id, document: 'x' })).counted,
    ).toBe(true);
    const history = (await patronEvents(ctx, patronA.id)).map((e) => [e.action, e.data.resourceName]);
    expect(history).toEqual([
      ['resource_withdrawn', 'Cinéma au forfait'],
      ['resource_restored', 'Cinéma au forfait'],
    ]);
  });

  it('refuses another library’s staff with a 404, changing nothing', async () => {
    const before = await eventCount(ctx);
    for (const verb of ['retirer', 'retablir'] as const) {
      const res = await betaBrowser.post(action(patronA, film.id, verb), {}, { from: '/admin' });
      expect(res.statusCode).toBe(404);
    }
    expect(await eventCount(ctx)).toBe(before);
    expect((await rightRow(patronA.id, film.id))!.withdrawn).toBe(false);
  });

  it('lets a network administrator act for any library (recorded on its behalf)', async () => {
    expect(
      (await adminBrowser.post(action(patronB, film.id, 'retirer'), {}, { from: '/admin' })).statusCode,
    ).toBe(303);
    const [event] = await patronEvents(ctx, patronB.id);
    expect(event).toMatchObject({
      action: 'resource_withdrawn',
      onBehalfOfLibraryId: libB.id,
      actorId: admin.id,
    });
  });

  it('refuses free resources (409), unknown resources (404), and a post without its form token (403)', async () => {
    const before = await eventCount(ctx);
    expect(
      (await alphaBrowser.post(action(patronA, free.id, 'retirer'), {}, { from: '/admin' })).statusCode,
    ).toBe(409);
    expect(
      (
        await alphaBrowser.post(
          action(patronA, '00000000-0000-4000-8000-000000000000', 'retirer'),
          {},
          { from: '/admin' },
        )
      ).statusCode,
    ).toBe(404);
    expect(
      (await alphaBrowser.post(action(patronA, film.id, 'retirer'), {}, { csrf: null })).statusCode,
    ).toBe(403);
    expect(await eventCount(ctx)).toBe(before);
  });
});

describe('Ressources tab in staff words', () => {
  it('shows staff what a waiting patron may open without the sentences written for the patron', async () => {
    const waiting = await addPatron(ctx, libA.id);
    const page = await alphaBrowser.get(recordUrl(waiting));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'Non : compte temporaire : le Forfait s’ouvrira quand la demande sera acceptée',
    );
    expect(page.body).not.toContain('aura validé');
    // The e-mail texts in the decision form do speak to the patron: look at the Ressources section.
    const section = page.body.slice(page.body.indexOf('id="ressources"'), page.body.indexOf('id="actions"'));
    expect(section).toContain('Cinéma au forfait');
    expect(section).not.toMatch(/[Vv]otre/);

    await alphaBrowser.post(action(patronA, film.id, 'retirer'), {}, { from: '/admin' });
    const withdrawn = await alphaBrowser.get(recordUrl(patronA));
    expect(withdrawn.body).toContain('Non : retirée à cet usager par la bibliothèque');
    expect(withdrawn.body).not.toContain('retiré votre accès');
    await alphaBrowser.post(action(patronA, film.id, 'retablir'), {}, { from: '/admin' });
  });
});
