import { and, asc, eq, sql } from 'drizzle-orm';
import { insertPatron, type NewPatron, type PatronRow } from '../../src/db/repositories/patrons.js';
import { events, outbox, patrons } from '../../src/db/schema.js';
import { type StaffActor, scopeFor } from '../../src/domain/actor.js';
import { DAY } from '../../src/domain/clock.js';
import type { TestContext } from './app.js';

/** Made-up patrons for the decision and escalation tests. */
let counter = 0;
const PEOPLE: Array<[string, string]> = [
  ['Zoé', 'N’Diaye-Lefèvre'],
  ['Yann', 'Le Bihan-Kerjean'],
  ['Inès', 'D’Almeida'],
  ['Maël', 'Étienne-Roux'],
  ['Chloé', 'O’Connor Dupré'],
];

export async function addPatron(
  ctx: Pick<TestContext, 'database' | 'clock'>,
  libraryId: string,
  values: Partial<NewPatron> = {},
): Promise<PatronRow> {
  counter++;
  const [firstName, lastName] = PEOPLE[counter % PEOPLE.length]!;
  const now = ctx.clock.now();
  return insertPatron(ctx.database.db, {
    libraryId,
    state: 'pending',
    channel: 'self',
    firstName,
    lastName,
    birthDate: '1990-07-14',
    birthYear: 1990,
    email: `usager${counter}@exemple.fr`,
    identifier: `usager.${counter}`,
    registeredAt: new Date(now.getTime() - 2 * DAY),
    emailConfirmedAt: new Date(now.getTime() - DAY),
    pendingSince: new Date(now.getTime() - DAY),
    createdAt: now,
    updatedAt: now,
    ...values,
  });
}

export function staffActor(
  row: { id: string; name: string; identifier: string; role: StaffActor['role'] },
  libraryIds: string[] = [],
): StaffActor {
  return {
    kind: 'staff',
    id: row.id,
    name: row.name,
    identifier: row.identifier,
    role: row.role,
    scope: scopeFor(row.role, libraryIds),
  };
}

export async function patronRow(ctx: Pick<TestContext, 'database'>, id: string): Promise<PatronRow> {
  const [row] = await ctx.database.db.select().from(patrons).where(eq(patrons.id, id));
  return row!;
}

export function patronEvents(ctx: Pick<TestContext, 'database'>, id: string) {
  return ctx.database.db
    .select()
    .from(events)
    .where(and(eq(events.subjectKind, 'patron'), eq(events.subjectId, id)))
    .orderBy(asc(events.id));
}

export function mailsTo(ctx: Pick<TestContext, 'database'>, address: string) {
  return ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, address)).orderBy(asc(outbox.id));
}

export async function outboxCount(ctx: Pick<TestContext, 'database'>): Promise<number> {
  const [row] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
  return row!.n;
}

export async function eventCount(ctx: Pick<TestContext, 'database'>): Promise<number> {
  const [row] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(events);
  return row!.n;
}
