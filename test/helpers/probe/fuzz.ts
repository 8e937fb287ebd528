import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { ActorName, ProbeClient } from './actors.js';
import { type FuzzBody, formBody, queryString } from './arbitraries.js';
import type { ClassifiedRoute } from './classify.js';
import { fillUrl } from './fill.js';
import { type FormField, forms } from './html.js';
import { rightActor } from './right-actor.js';
import { clientFor, type ProbeWorld } from './world.js';
import { settleWrites, writeCursor } from './writes.js';

const patternOf = (url: string) =>
  new RegExp(`^${url.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+').replace(/\*/g, '.*')}$`);

/**
 * The fields of every form the app shows, read from its pages as the actor each is for (and the
 * network administrator) sees them, by route ("POST /admin/usagers/:id/decision"). A form the
 * pages show is fuzzed with its own fields; a POST no page shows is fuzzed with made-up ones.
 */
export async function formsByRoute(
  world: ProbeWorld,
  routes: ClassifiedRoute[],
): Promise<Map<string, FormField[]>> {
  const out = new Map<string, Map<string, FormField>>();
  const matchers = routes.map((r) => ({
    key: `${r.method} ${r.url}`,
    method: r.method,
    re: patternOf(r.url),
  }));
  for (const route of routes.filter((r) => r.method === 'GET' && r.rule.access !== 'ops')) {
    for (const actor of new Set<ActorName>([rightActor(route), 'admin'])) {
      const url = await fillUrl(world, route, actor, 'A');
      const res = await world.clients.get(actor)!.get(url);
      if (!String(res.headers['content-type'] ?? '').includes('text/html')) continue;
      for (const form of forms(res.body, url)) {
        const method = form.method === 'post' ? 'POST' : 'GET';
        const target = matchers.find((m) => m.method === method && m.re.test(form.action));
        if (!target) continue;
        const fields = out.get(target.key) ?? new Map<string, FormField>();
        for (const f of form.fields) {
          const known = fields.get(f.name);
          if (known) known.values = [...new Set([...known.values, ...f.values])];
          else fields.set(f.name, { ...f, values: [...f.values] });
        }
        out.set(target.key, fields);
      }
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v.values()]]));
}

/**
 * A stream the app broke off after its headers (an export failing midway): counted as a
 * server error, status 599.
 */
const cutShort = (error: unknown) => {
  if ((error as { code?: string }).code !== 'LIGHT_ECONNRESET') throw error;
  return { statusCode: 599 } as LightMyRequestResponse;
};

/**
 * Tried first on every route, whatever the random runs draw: the outside probe's findings (a
 * NUL byte, control characters) in every field at once and in each filter.
 */
const NUL_AND_CONTROLS = ['a\u0000b', '\u0001\u001f\u007f', 'a\r\nSet-Cookie: x=1'];
function formExamples(fields: FormField[]): [FuzzBody][] {
  const all: [FuzzBody][] = NUL_AND_CONTROLS.map((v) => [
    {
      kind: 'form',
      fields: Object.fromEntries(fields.map((f) => [f.name, f.type === 'password' ? 'court' : v])),
    },
  ]);
  // And a NUL in one field at a time, the others filled as a person would: what is checked
  // last (an identifier already taken…) is reached too.
  const plausible = Object.fromEntries(fields.map((f) => [f.name, plausibleValue(f)]));
  for (const f of fields)
    if (!['password', 'checkbox', 'radio', 'select', 'hidden', 'submit'].includes(f.type))
      all.push([{ kind: 'form', fields: { ...plausible, [f.name]: 'a\u0000b' } }]);
  return all;
}

/** What a person would type or pick in a field. */
function plausibleValue(f: FormField): string {
  const offered = f.values.find((v) => v !== '');
  if (f.trap) return '';
  if (f.type === 'password') return 'Mot-de-passe-solide-1';
  if (offered !== undefined) return offered;
  if (f.type === 'email' || /mail/i.test(f.name)) return 'essai.probe@exemple.fr';
  if (f.type === 'date' || /naissance|date/i.test(f.name)) return '14/07/1990';
  if (f.type === 'number') return '3';
  return 'essaiprobe';
}
const QUERY_EXAMPLES = [
  'q=a%00',
  'q=%00&page=%00&etat=%00',
  'q=%01%1F%7F',
  'q=%E9',
  'suite=%2F%09%2Fevil.example%2Fphish',
];

export interface FuzzOutcome {
  tried: number;
  failures: string[];
}

const show = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    typeof x === 'string' && x.length > 60 ? `${x.slice(0, 60)}…(${x.length})` : x,
  );

/** A form sent to a route, as a form or as JSON, with the client's CSRF token. */
function send(client: ProbeClient, url: string, body: FuzzBody, ip: string): Promise<LightMyRequestResponse> {
  if (body.kind === 'form') {
    const p = new URLSearchParams();
    p.append('_csrf', client.csrfToken);
    for (const [k, v] of Object.entries(body.fields)) for (const one of [v].flat()) p.append(k, one);
    return client.app.inject({
      method: 'POST',
      url,
      payload: p.toString(),
      headers: client.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      remoteAddress: ip,
    });
  }
  return client.app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify({ ...body.fields, _csrf: client.csrfToken }),
    headers: client.headers({ 'content-type': 'application/json' }),
    remoteAddress: ip,
  });
}

/**
 * `runs` arbitrary forms per POST route, each by the actor the route is for with a valid
 * session and CSRF token: never an answer ≥ 500, and an answer ≥ 400 (a refused form) writes
 * nothing. Failures are collected (one per route and status) rather than shrunk: the first
 * example of each is enough to find it, and the run goes on over every route.
 */
export async function fuzzForms(
  world: ProbeWorld,
  routes: ClassifiedRoute[],
  fields: Map<string, FormField[]>,
  runs: (route: ClassifiedRoute, fields: FormField[]) => number,
  seed = 14,
): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { tried: 0, failures: [] };
  const seen = new Set<string>();
  let ip = 0;
  const writes = await writeCursor(world.ctx.database);
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    const known = fields.get(key) ?? [];
    const actor = rightActor(route);
    // Objects and sessions of its own for the route, made again only once a form went through
    // (it may have deleted or changed them): a refused form changed nothing by definition.
    let url = await fillUrl(world, route, actor, 'A', true);
    let client = await clientFor(world, actor, Boolean(route.rule.consumesSession));
    await writes();
    await fc.assert(
      fc.asyncProperty(formBody(known), async (body) => {
        // Another address each time: the rate limits of login and registration are not what is fuzzed.
        const res = await send(client, url, body, `10.14.${(ip >> 8) & 255}.${ip++ & 255}`).catch(cutShort);
        outcome.tried++;
        const written = await writes();
        let wrong: string | null = null;
        if (res.statusCode >= 500)
          wrong = res.statusCode === 599 ? 'answer cut short' : `answered ${res.statusCode}`;
        else if (res.statusCode >= 400 && written.length)
          wrong = `answered ${res.statusCode} but wrote ${[...new Set(written)].join(', ')}`;
        if (wrong && !seen.has(`${key} ${wrong}`)) {
          seen.add(`${key} ${wrong}`);
          outcome.failures.push(`${actor} POST ${route.url} ${wrong}; ${body.kind} ${show(body.fields)}`);
        }
        if (res.statusCode < 400) {
          url = await fillUrl(world, route, actor, 'A', true);
          client = await clientFor(world, actor, Boolean(route.rule.consumesSession));
          await settleWrites(world.ctx.database);
          await writes();
        }
        return true;
      }),
      { numRuns: runs(route, known), seed: seed + outcome.tried, examples: formExamples(known) },
    );
  }
  return outcome;
}

/** `runs` arbitrary query strings per GET route, by the actor it is for: never an answer ≥ 500. */
export async function fuzzQueries(
  world: ProbeWorld,
  routes: ClassifiedRoute[],
  fields: Map<string, FormField[]>,
  runs: number,
  seed = 14,
): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { tried: 0, failures: [] };
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    const actor = rightActor(route);
    const url = await fillUrl(world, route, actor, 'A');
    const client = world.clients.get(actor)!;
    await fc.assert(
      fc.asyncProperty(queryString(fields.get(key) ?? []), async (query) => {
        const res = await client.get(`${url}?${query}`).catch(cutShort);
        outcome.tried++;
        if (res.statusCode >= 500 && !seen.has(`${key} ${res.statusCode}`)) {
          seen.add(`${key} ${res.statusCode}`);
          const what = res.statusCode === 599 ? 'answer cut short' : `answered ${res.statusCode}`;
          outcome.failures.push(`${actor} GET ${route.url}?${query.slice(0, 200)} ${what}`);
        }
        return true;
      }),
      { numRuns: runs, seed: seed + outcome.tried, examples: QUERY_EXAMPLES.map((q) => [q]) },
    );
  }
  return outcome;
}
