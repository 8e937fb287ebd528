import { randomBytes } from 'node:crypto';
import { enqueueMail } from '../../../src/db/repositories/outbox.js';
import { addLibrary, addStaff } from '../app.js';
import { addPatron } from '../decision-fixtures.js';
import { addResource } from '../resource-fixtures.js';
import type { ActorName } from './actors.js';
import type { ClassifiedRoute, ParamKind } from './classify.js';
import { addThread, type ProbeWorld, type Side } from './world.js';

/** Param kinds whose objects belong to one library: such routes are probed on A's and on B's. */
const LIBRARY_BOUND: ParamKind[] = [
  'patron',
  'library',
  'staff',
  'mail',
  'patronMail',
  'thread',
  'patronThread',
];

export function sidesOf(route: ClassifiedRoute): Side[] {
  return route.paramNames.some((p) => LIBRARY_BOUND.includes(route.rule.params![p]!)) ? ['A', 'B'] : ['A'];
}

/** Whether `actor` owns the object a patron route names (their own e-mail, not another's). */
export function ownsObject(route: ClassifiedRoute, actor: ActorName, side: Side): boolean {
  const names = Object.values(route.rule.params ?? {});
  if (!names.includes('patronMail') && !names.includes('patronThread')) return true;
  return actor.startsWith('patron:') && side === 'A';
}

let freshCounter = 0;
/**
 * The URL with its params filled by real ids of library `side`'s objects. `fresh`: new objects
 * made for this one request (an allowed POST may delete or change what it names).
 */
export async function fillUrl(
  world: ProbeWorld,
  route: ClassifiedRoute,
  actor: ActorName,
  side: Side,
  fresh = false,
): Promise<string> {
  const lib = world[side];
  const { ctx } = world;
  const values: Record<ParamKind, () => Promise<string>> = {
    patron: async () => (fresh ? (await addPatron(ctx, lib.libraryId)).id : lib.patron.id),
    library: async () =>
      fresh && route.rule.access === 'admin' ? (await addLibrary(ctx)).id : lib.libraryId,
    staff: async () =>
      fresh
        ? (await addStaff(ctx, { identifier: `probe.fresh.${++freshCounter}`, libraryIds: [lib.libraryId] }))
            .id
        : lib.staffId,
    mail: async () =>
      String(
        fresh
          ? await enqueueMail(
              ctx.database.db,
              { to: 'x@exemple.fr', subject: 'S', text: 'T', html: '<p>T</p>', template: 'probe' },
              ctx.clock.now(),
            )
          : lib.mailId,
      ),
    patronMail: async () => {
      const state = actor.startsWith('patron:') ? (actor.slice(7) as keyof ProbeWorld['patrons']) : null;
      return String(side === 'A' && state ? world.patrons[state].mailId : world.B.mailId);
    },
    thread: async () => (fresh ? await addThread(ctx, lib.patron) : lib.threadId),
    patronThread: async () => {
      const state = actor.startsWith('patron:') ? (actor.slice(7) as keyof ProbeWorld['patrons']) : null;
      return side === 'A' && state ? world.patrons[state].threadId : world.B.threadId;
    },
    template: async () => 'accept',
    contentPage: async () => 'faq',
    resource: async () => (fresh ? (await addResource(ctx)).id : world.resource.id),
    token: async () => randomBytes(32).toString('base64url'),
    document: async () => 'document-1',
    staticFile: async () => 'sesame.css',
    dsfrFile: async () => 'dsfr.min.css',
  };
  let url = route.url;
  for (const name of route.paramNames) {
    const value = await values[route.rule.params![name]!]();
    url = url.replace(name === '*' ? '*' : `:${name}`, encodeURIComponent(value));
  }
  return url;
}
