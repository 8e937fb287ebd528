import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ActorName } from '../helpers/probe/actors.js';
import { anyText } from '../helpers/probe/arbitraries.js';
import { fuzzSuite } from '../helpers/probe/fuzz-suite.js';

/** As query-fuzz-staff, on the public and patron pages. */
const suite = fuzzSuite({
  label: 'public and patron query strings',
  which: (r) => r.method === 'GET' && !['staff', 'staffObject', 'admin'].includes(r.rule.access),
  runs: 80,
});

/** Where a browser goes with a Location header: it drops tabs and line breaks, reads \\ as /. */
const browserTarget = (location: string) =>
  new URL(location.replace(/[\t\n\r]/g, '').replaceAll('\\', '/'), 'http://sesame.test/connexion');

test('the return path after login (?suite=) never leaves the site and never breaks the page', async () => {
  const world = suite.world();
  const hostile = fc.oneof(
    fc.constantFrom(
      '/\t/evil.example/phish',
      '/\t\\evil.example',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      '/%09/evil.example',
      '\u0000/admin',
      '/admin\u0001',
      '/admin/é€',
      '/\r\nSet-Cookie: x=1',
      'javascript:alert(1)',
    ),
    fc.tuple(fc.constantFrom('/', '//', '/\\', '/\t/'), anyText).map(([a, b]) => a + b),
    anyText,
  );
  const failures: string[] = [];
  let tried = 0;
  for (const actor of ['admin', 'patron:active'] as ActorName[]) {
    const client = world.clients.get(actor)!;
    await fc.assert(
      fc.asyncProperty(hostile, async (suite) => {
        const res = await client.get(`/connexion?suite=${encodeURIComponent(suite)}`);
        tried++;
        const location = String(res.headers.location ?? '');
        if (res.statusCode >= 500) failures.push(`${actor} ${JSON.stringify(suite)}: ${res.statusCode}`);
        else if (location && browserTarget(location).origin !== 'http://sesame.test')
          failures.push(`${actor} ${JSON.stringify(suite)}: Location ${JSON.stringify(location)}`);
        return true;
      }),
      { numRuns: 150, seed: 14 },
    );
  }
  console.log(`return paths: ${tried} requests`);
  expect(failures.slice(0, 10)).toEqual([]);
}, 300_000);
