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

/**
 * The origin a browser goes to with a Location header (it drops tabs and line breaks and reads
 * \\ as /), or null when it cannot make a URL of it.
 */
function browserOrigin(location: string): string | null {
  try {
    return new URL(location.replace(/[\t\n\r]/g, '').replaceAll('\\', '/'), 'http://sesame.test/connexion')
      .origin;
  } catch {
    return null;
  }
}
function encodable(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

test('the return path after login (?suite=) never leaves the site and never breaks the page', async () => {
  const world = suite.world();
  const hostile = fc
    .oneof(
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
    )
    .filter(encodable); // a lone surrogate cannot be put in a URL at all
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
        else if (location && browserOrigin(location) !== 'http://sesame.test')
          failures.push(`${actor} ${JSON.stringify(suite)}: Location ${JSON.stringify(location)}`);
        return true;
      }),
      { numRuns: 150, seed: 14 },
    );
  }
  console.log(`return paths: ${tried} requests`);
  expect([...new Set(failures)].slice(0, 10)).toEqual([]);
}, 300_000);
