import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ClassifiedRoute, classifyRoutes } from './classify.js';
import { formsByRoute, fuzzForms, fuzzQueries } from './fuzz.js';
import type { FormField } from './html.js';
import { buildProbeWorld, type ProbeWorld } from './world.js';

/**
 * One fuzzing test file: the probe's world, the forms read from its pages, and `runs`
 * arbitrary requests per route picked by `which`. Forms with a password field cost an argon2
 * hash when they get through, so they get `heavyRuns`.
 */
export function fuzzSuite(options: {
  label: string;
  which: (route: ClassifiedRoute) => boolean;
  runs: number;
  heavyRuns?: number;
}) {
  let world: ProbeWorld;
  let routes: ClassifiedRoute[];
  let fields: Map<string, FormField[]>;
  let tried = 0;
  let cpu = process.cpuUsage();

  beforeAll(async () => {
    world = await buildProbeWorld();
    const all = classifyRoutes(world.routes);
    fields = await formsByRoute(world, all);
    routes = all.filter(options.which);
    cpu = process.cpuUsage();
  }, 300_000);
  afterAll(async () => {
    const used = process.cpuUsage(cpu);
    console.log(
      `fuzzing (${options.label}): ${tried} requests over ${routes?.length} routes, ` +
        `${((used.user + used.system) / 1000 / Math.max(tried, 1)).toFixed(1)} ms of CPU each`,
    );
    await world?.ctx.close();
  });

  test(`${options.label}: no answer ≥ 500, nothing written by a refused form`, async () => {
    expect(routes.length).toBeGreaterThan(0);
    const forms = routes.filter((r) => r.method === 'POST');
    const queries = routes.filter((r) => r.method === 'GET');
    const failures: string[] = [];
    if (forms.length) {
      const heavy = (f: FormField[]) => f.some((x) => x.type === 'password');
      const out = await fuzzForms(world, forms, fields, (_r, f) =>
        heavy(f) ? (options.heavyRuns ?? options.runs) : options.runs,
      );
      tried += out.tried;
      failures.push(...out.failures);
    }
    if (queries.length) {
      const out = await fuzzQueries(world, queries, fields, options.runs);
      tried += out.tried;
      failures.push(...out.failures);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  return { world: () => world };
}
