import { insertThread, insertThreadMessage } from '../../../src/db/repositories/messages.js';
import { enqueueMail } from '../../../src/db/repositories/outbox.js';
import type { PatronRow } from '../../../src/db/repositories/patrons.js';
import type { ResourceRow } from '../../../src/db/repositories/resources.js';
import type { PORTAL_STATES } from '../../../src/domain/patron-lifecycle.js';
import { hashPassword } from '../../../src/security/passwords.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../app.js';
import { addPatron } from '../decision-fixtures.js';
import { PATRON_PASSWORD } from '../lifecycle-fixtures.js';
import { addResource } from '../resource-fixtures.js';
import { type ActorName, ProbeClient } from './actors.js';
import { collectingRoutes, type DeclaredRoute } from './routes.js';
import { installWriteLog } from './writes.js';

export type PortalState = (typeof PORTAL_STATES)[number];
export const SESSION_STATES: PortalState[] = ['pending', 'active', 'renewal_pending', 'expired'];
export type Side = 'A' | 'B';

/** What one library owns, to fill the `:id`s of the URLs. */
export interface LibraryObjects {
  libraryId: string;
  staffId: string;
  /** An active patron of the library, with one e-mail in the outbox. */
  patron: PatronRow;
  mailId: number;
  /** A message of that patron to the library ("Écrire à ma médiathèque"). */
  threadId: string;
}

export interface ProbeWorld {
  ctx: TestContext;
  routes: DeclaredRoute[];
  A: LibraryObjects;
  B: LibraryObjects;
  adminId: string;
  /** The patrons of library A who hold a session, by state, each with their own e-mail. */
  patrons: Record<PortalState, { row: PatronRow; mailId: number; threadId: string }>;
  resource: ResourceRow;
  openResource: ResourceRow;
  clients: Map<ActorName, ProbeClient>;
}

const YEAR = 365 * 86_400_000;

/** A patron's message to their library, straight into the tables (one thread, one message). */
export async function addThread(
  ctx: Pick<TestContext, 'database' | 'clock'>,
  patron: Pick<PatronRow, 'id' | 'libraryId' | 'email' | 'firstName'>,
): Promise<string> {
  const now = ctx.clock.now();
  const threadId = await insertThread(ctx.database.db, {
    kind: 'library',
    libraryId: patron.libraryId,
    patronId: patron.id,
    email: patron.email ?? 'x@exemple.fr',
    subject: `Question de ${patron.firstName}`,
    now,
  });
  await insertThreadMessage(ctx.database.db, {
    threadId,
    authorKind: 'patron',
    authorLabel: patron.firstName ?? 'Usager',
    body: 'Bonjour,\nune question.',
    now,
  });
  return threadId;
}

/**
 * The probe's world: the app (its route table listened to while it is built), two libraries
 * A and B with staff, patrons and e-mails, a network administrator, resources, and one logged-in
 * client per actor, each with its CSRF token.
 */
export async function buildProbeWorld(): Promise<ProbeWorld> {
  const { result: ctx, routes } = await collectingRoutes(() => createTestApp());
  await installWriteLog(ctx.database);
  const libA = await addLibrary(ctx, 'Médiathèque A');
  const libB = await addLibrary(ctx, 'Médiathèque B');
  const staffA = await addStaff(ctx, { identifier: 'probe.a', libraryIds: [libA.id] });
  const staffB = await addStaff(ctx, { identifier: 'probe.b', libraryIds: [libB.id] });
  const admin = await addStaff(ctx, { identifier: 'probe.admin', role: 'network_admin' });
  const now = ctx.clock.now();
  const until = (ms: number) => new Date(now.getTime() + ms).toISOString().slice(0, 10);

  const mailTo = (p: PatronRow) =>
    enqueueMail(
      ctx.database.db,
      {
        to: p.email!,
        subject: `Message pour ${p.firstName}`,
        text: 'Bonjour',
        html: '<p>Bonjour</p>',
        template: 'probe',
        patronId: p.id,
      },
      now,
    );
  const passwordHash = await hashPassword(PATRON_PASSWORD);
  const member = (libraryId: string, state: PortalState) =>
    addPatron(ctx, libraryId, {
      passwordHash,
      state,
      pendingSince: state === 'pending' ? now : null,
      activeUntil:
        state === 'expired'
          ? until(-30 * 86_400_000)
          : until(state === 'active' ? YEAR / 2 : 10 * 86_400_000),
      decision: state === 'pending' ? null : 'accepted',
      decidedAt: state === 'pending' ? null : new Date(now.getTime() - YEAR / 2),
    });
  const objects = async (libraryId: string, staffId: string): Promise<LibraryObjects> => {
    const patron = await member(libraryId, 'active');
    return {
      libraryId,
      staffId,
      patron,
      mailId: await mailTo(patron),
      threadId: await addThread(ctx, patron),
    };
  };
  const A = await objects(libA.id, staffA.id);
  const B = await objects(libB.id, staffB.id);
  const patrons = {} as ProbeWorld['patrons'];
  for (const state of SESSION_STATES) {
    const row = await member(libA.id, state);
    patrons[state] = { row, mailId: await mailTo(row), threadId: await addThread(ctx, row) };
  }
  const resource = await addResource(ctx, { kind: 'quota' });
  const openResource = await addResource(ctx, { kind: 'open', category: null });

  const clients = new Map<ActorName, ProbeClient>();
  const add = async (name: ActorName, who?: { kind: 'staff' | 'patron'; id: string }) => {
    const c = new ProbeClient(ctx.app, name);
    if (who) await c.signIn(ctx, who.kind, who.id);
    clients.set(name, await c.loadCsrf());
  };
  await add('visitor');
  for (const state of SESSION_STATES)
    await add(`patron:${state}`, { kind: 'patron', id: patrons[state].row.id });
  await add('staff:A', { kind: 'staff', id: staffA.id });
  await add('staff:B', { kind: 'staff', id: staffB.id });
  await add('admin', { kind: 'staff', id: admin.id });
  return { ctx, routes, A, B, adminId: admin.id, patrons, resource, openResource, clients };
}

/** The actor's client, or for a POST that ends a session or an account, a fresh one of the same kind. */
export async function clientFor(
  world: ProbeWorld,
  actor: ActorName,
  consumes: boolean,
): Promise<ProbeClient> {
  const client = world.clients.get(actor)!;
  if (!consumes || actor === 'visitor') return client;
  const fresh = new ProbeClient(world.ctx.app, actor);
  fresh.csrfCookie = client.csrfCookie;
  fresh.csrfToken = client.csrfToken;
  if (actor.startsWith('patron:')) {
    const state = actor.slice(7) as PortalState;
    const { row } = world.patrons[state];
    const copy = await addPatron(world.ctx, row.libraryId, {
      state,
      activeUntil: row.activeUntil,
      decision: row.decision,
      decidedAt: row.decidedAt,
      pendingSince: row.pendingSince,
      passwordHash: row.passwordHash,
    });
    return fresh.signIn(world.ctx, 'patron', copy.id);
  }
  const staffId = actor === 'admin' ? world.adminId : world[actor === 'staff:A' ? 'A' : 'B'].staffId;
  return fresh.signIn(world.ctx, 'staff', staffId);
}
