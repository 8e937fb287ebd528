import { afterAll, beforeAll, expect, it } from 'vitest';
import { listResources } from '../../src/db/repositories/resources.js';
import { QUOTA_CATEGORIES, RESOURCE_KINDS } from '../../src/domain/resources.js';
import { hashPassword } from '../../src/security/passwords.js';
import { seedDemo } from '../../src/usecases/network/seed-demo.js';
import { rebaseDemoResources, seedDemoResources } from '../../src/usecases/resources/seed-demo-resources.js';
import { createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource, DEMO_SECRET } from '../helpers/resource-fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx?.close());

it('seeds a demo catalog of every kind and category, once, whose every document opens at the demo provider', async () => {
  expect(await seedDemo(ctx.deps)).not.toBeNull();
  const rows = await listResources(ctx.database.db);
  for (const kind of RESOURCE_KINDS) expect(rows.some((r) => r.kind === kind)).toBe(true);
  for (const c of QUOTA_CATEGORIES) expect(rows.some((r) => r.category === c)).toBe(true);
  expect(rows.some((r) => r.underTwelve)).toBe(true);
  expect(rows.some((r) => r.connector === 'mn_sso')).toBe(true);
  expect(await seedDemoResources(ctx.deps)).toBe(0);

  const libraryId = (await ctx.database.db.query.libraries.findFirst())!.id;
  const p = await addPatron(ctx, libraryId, {
    state: 'active',
    activeUntil: '2027-11-22',
    pendingSince: null,
    passwordHash: await hashPassword('Un-mot-de-passe-solide-9'),
  });
  const b = new TestBrowser(ctx.app);
  expect((await b.logIn(p.identifier!, 'Un-mot-de-passe-solide-9')).statusCode).toBe(303);
  expect((await b.get('/ressources')).statusCode).toBe(200);
  // One document per resource, all ages allowed for this adult.
  for (const r of rows) {
    const open = await b.get(`/ressources/${r.id}/ouvrir?document=${r.documents[0]!.id}`);
    expect(open.statusCode, r.name).toBe(303);
    const u = new URL(String(open.headers.location));
    const page = await b.get(u.pathname + u.search);
    expect(page.statusCode, r.name).toBe(200);
    expect(page.body).toContain(r.documents[0]!.title);
  }
});

it('follows BASE_URL: a start on another address moves the demo provider links, and no other resource', async () => {
  const other = await addResource(ctx, {
    connectorConfig: {
      urlTemplate: 'https://fournisseur.exemple.fr/fournisseur-demo/{document}',
      secret: DEMO_SECRET,
    },
  });
  const demo = (await listResources(ctx.database.db)).filter((r) => r.id !== other.id);
  const moved = { ...ctx.deps, baseUrl: 'http://127.0.0.1:4000/' };
  expect(await rebaseDemoResources(moved)).toBe(demo.length);
  const after = await listResources(ctx.database.db);
  for (const r of after.filter((x) => x.id !== other.id)) {
    expect(r.connectorConfig.urlTemplate, r.name).toBe(
      'http://127.0.0.1:4000/fournisseur-demo/{resource}/{document}',
    );
    if (r.connector === 'mn_sso')
      expect(r.connectorConfig.loginUrl).toBe('http://127.0.0.1:4000/fournisseur-demo/sso_login');
    // The secret and the rest of the configuration stay.
    expect(r.connectorConfig.secret).toBe(demo.find((d) => d.id === r.id)!.connectorConfig.secret);
  }
  // A real provider's address is never touched, even with the same path.
  expect(after.find((x) => x.id === other.id)!.connectorConfig).toEqual(other.connectorConfig);
  expect(await rebaseDemoResources(moved)).toBe(0);
  expect(await rebaseDemoResources(ctx.deps)).toBe(demo.length);
});
