import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addPatron } from '../helpers/decision-fixtures.js';
import { type ClassifiedRoute, classifyRoutes } from '../helpers/probe/classify.js';
import { fillUrl } from '../helpers/probe/fill.js';
import { rightActor } from '../helpers/probe/right-actor.js';
import { buildProbeWorld, type ProbeWorld } from '../helpers/probe/world.js';
import { writeMark, writesSince } from '../helpers/probe/writes.js';

/**
 * Every POST route the app declares, sent by the actor it is for without a CSRF token, with a
 * made-up one, with another browser's, and with none of the CSRF cookie: the "Formulaire
 * expiré" page, and nothing written. A route added tomorrow is in the list the day it is added.
 */
let world: ProbeWorld;
let posts: ClassifiedRoute[];
let tried = 0;

beforeAll(async () => {
  world = await buildProbeWorld();
  posts = classifyRoutes(world.routes).filter((r) => r.method === 'POST' && !r.rule.csrfExempt);
}, 300_000);
afterAll(async () => {
  console.log(`CSRF probe: ${tried} requests over ${posts?.length} POST routes`);
  await world?.ctx.close();
});

describe('CSRF on every POST route', () => {
  test('the app declares POST routes, all of them probed below', () => {
    expect(posts.length).toBeGreaterThan(30);
  });

  test('no token, a forged token, another browser’s token: 403 "Formulaire expiré", nothing written', async () => {
    const other = world.clients.get('staff:B')!;
    const failures: string[] = [];
    for (const route of posts) {
      const actor = rightActor(route);
      const client = world.clients.get(actor)!;
      const url = await fillUrl(world, route, actor, 'A', true);
      const attempts = [
        ['without a token', () => client.post(url, {}, { csrf: null })],
        ['with a forged token', () => client.post(url, {}, { csrf: `${client.csrfToken.slice(0, -4)}AAAA` })],
        ['with another browser’s token', () => client.post(url, {}, { csrf: other.csrfToken })],
        [
          'without the CSRF cookie',
          async () => {
            const kept = client.csrfCookie;
            client.csrfCookie = '';
            try {
              return await client.post(url, {});
            } finally {
              client.csrfCookie = kept;
            }
          },
        ],
      ] as const;
      for (const [how, send] of attempts) {
        const mark = await writeMark(world.ctx.database);
        const res = await send();
        tried++;
        if (res.statusCode !== 403 || !res.body.includes('Formulaire expiré'))
          failures.push(`${actor} POST ${url} ${how}: ${res.statusCode}`);
        const writes = await writesSince(world.ctx.database, mark);
        if (writes.length) failures.push(`${actor} POST ${url} ${how}: wrote ${writes.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  test('the same form that writes with its own token writes nothing without it (the probe can tell)', async () => {
    const patron = await addPatron(world.ctx, world.A.libraryId);
    const client = world.clients.get('staff:A')!;
    const form = { ids: patron.id, decision: 'accepter', membre: 'oui', naissance: 'oui', modele: 'accept' };
    let mark = await writeMark(world.ctx.database);
    expect((await client.post('/admin/usagers/decisions', form, { csrf: null })).statusCode).toBe(403);
    expect(await writesSince(world.ctx.database, mark)).toEqual([]);
    mark = await writeMark(world.ctx.database);
    expect((await client.post('/admin/usagers/decisions', form)).statusCode).toBe(303);
    expect(await writesSince(world.ctx.database, mark)).toContain('patrons UPDATE');
  }, 300_000);
});
