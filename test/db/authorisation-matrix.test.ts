import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addPatron } from '../helpers/decision-fixtures.js';
import type { ActorName } from '../helpers/probe/actors.js';
import { type ClassifiedRoute, classifyRoutes } from '../helpers/probe/classify.js';
import { expectationFor } from '../helpers/probe/expect.js';
import { fillUrl, ownsObject, sidesOf } from '../helpers/probe/fill.js';
import { buildProbeWorld, clientFor, type ProbeWorld } from '../helpers/probe/world.js';
import { awaitDownloadEvent, settleWrites, writeMark, writesSince } from '../helpers/probe/writes.js';

/**
 * Every route of the app (read from its route table) × every kind of actor × objects of
 * library A and of library B: the expected answer, never a 5xx, and nothing written when the
 * request is turned away. A new route without a rule in test/helpers/probe/classify.ts fails here.
 */
let world: ProbeWorld;
let routes: ClassifiedRoute[];
const ACTORS: ActorName[] = [
  'visitor',
  'patron:pending',
  'patron:active',
  'patron:renewal_pending',
  'patron:expired',
  'staff:A',
  'staff:B',
  'admin',
];
let tried = 0;

beforeAll(async () => {
  world = await buildProbeWorld();
  routes = classifyRoutes(world.routes);
}, 300_000);
afterAll(async () => {
  console.log(
    `authorisation matrix: ${tried} requests over ${routes?.length} routes × ${ACTORS.length} actors`,
  );
  await world?.ctx.close();
});

describe('authorisation matrix', () => {
  test('every route of the app has a rule saying who may use it', () => {
    expect(routes.length).toBe(world.routes.length);
    expect(routes.length).toBeGreaterThan(50);
  });

  test('a route without a rule is named, with what to do', () => {
    expect(() => classifyRoutes([{ method: 'GET', url: '/admin/nouvelle-page' }])).toThrow(
      /GET \/admin\/nouvelle-page[\s\S]*Add a rule .* ROUTE_RULES/,
    );
  });

  test('GET: the right answer for each actor, and a refusal writes nothing', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET'))
      for (const actor of ACTORS)
        for (const side of sidesOf(route)) {
          const url = await fillUrl(world, route, actor, side);
          const exp = expectationFor(route.rule.access, 'GET', actor, side, ownsObject(route, actor, side));
          const mark = await writeMark(world.ctx.database);
          const res = await world.clients.get(actor)!.get(url);
          tried++;
          const wrong = exp.check(res) ?? (res.statusCode >= 500 ? 'server error' : null);
          if (wrong) failures.push(`${actor} GET ${url} (${route.url}, side ${side}): ${wrong}`);
          if (exp.refused) {
            const writes = await writesSince(world.ctx.database, mark);
            if (writes.length) failures.push(`${actor} GET ${url}: refused but wrote ${writes.join(', ')}`);
          } else {
            // The patron exports are audited once their stream has ended.
            if (/^\/admin\/usagers\/(export|newsletter)\./.test(route.url) && res.statusCode === 200)
              await awaitDownloadEvent(world.ctx.database, mark);
            await settleWrites(world.ctx.database);
          }
        }
    expect(failures).toEqual([]);
  }, 300_000);

  test('POST refused: the right refusal, and nothing written', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method === 'POST'))
      for (const actor of ACTORS)
        for (const side of sidesOf(route)) {
          const exp = expectationFor(route.rule.access, 'POST', actor, side, ownsObject(route, actor, side));
          if (!exp.refused) continue;
          const url = await fillUrl(world, route, actor, side);
          const mark = await writeMark(world.ctx.database);
          const res = await world.clients.get(actor)!.post(url, {});
          tried++;
          const wrong = exp.check(res);
          if (wrong) failures.push(`${actor} POST ${url} (${route.url}, side ${side}): ${wrong}`);
          const writes = await writesSince(world.ctx.database, mark);
          if (writes.length) failures.push(`${actor} POST ${url}: refused but wrote ${writes.join(', ')}`);
        }
    expect(failures).toEqual([]);
  }, 300_000);

  test('POST allowed: the right actor is let through (never a 5xx), on objects of its own', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method === 'POST'))
      for (const actor of ACTORS)
        for (const side of sidesOf(route)) {
          const exp = expectationFor(route.rule.access, 'POST', actor, side, ownsObject(route, actor, side));
          if (exp.refused) continue;
          const url = await fillUrl(world, route, actor, side, true);
          const client = await clientFor(world, actor, Boolean(route.rule.consumesSession));
          const res = await client.post(url, {});
          tried++;
          const wrong = exp.check(res);
          if (wrong) failures.push(`${actor} POST ${url} (${route.url}, side ${side}): ${wrong}`);
        }
    expect(failures).toEqual([]);
  }, 300_000);

  test('ids in a form body: staff of B cannot decide on or renew A’s patrons in bulk', async () => {
    const bulk = (ids: string[], decision: string) => ({
      ids,
      decision,
      membre: 'oui',
      naissance: 'oui',
      modele: 'accept',
    });
    await settleWrites(world.ctx.database);
    const pendingOfA = await addPatron(world.ctx, world.A.libraryId);
    const staffB = world.clients.get('staff:B')!;
    for (const [ids, decision] of [
      [[pendingOfA.id], 'accepter'],
      [[pendingOfA.id], 'refuser'],
      [[world.A.patron.id], 'renouveler'],
    ] as const) {
      const mark = await writeMark(world.ctx.database);
      const res = await staffB.post('/admin/usagers/decisions', bulk([...ids], decision));
      tried++;
      expect(res.statusCode).toBeLessThan(500);
      expect(await writesSince(world.ctx.database, mark)).toEqual([]);
    }
    // The same form from A's own staff does write: the check above can fail.
    const mark = await writeMark(world.ctx.database);
    const res = await world.clients
      .get('staff:A')!
      .post('/admin/usagers/decisions', bulk([pendingOfA.id], 'accepter'));
    tried++;
    expect(res.statusCode).toBe(303);
    expect(await writesSince(world.ctx.database, mark)).toContain('patrons UPDATE');
  }, 300_000);
});
