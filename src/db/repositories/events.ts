import { and, desc, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../domain/actor.js';
import type { Executor } from '../client.js';
import { events } from '../schema.js';

export type EventRow = typeof events.$inferSelect;

export interface NewEvent {
  at: Date;
  actor: Actor | { kind: 'system'; label: string } | { kind: 'patron'; id: string; label: string };
  action: string;
  subject: { kind: string; id: string };
  onBehalfOfLibraryId?: string | null;
  data?: Record<string, unknown>;
}

export async function recordEvent(db: Executor, e: NewEvent): Promise<void> {
  await db.insert(events).values({
    at: e.at,
    actorKind: e.actor.kind,
    actorId: e.actor.kind === 'system' ? null : e.actor.id,
    actorLabel: 'label' in e.actor ? e.actor.label : `${e.actor.name} (${e.actor.identifier})`,
    action: e.action,
    subjectKind: e.subject.kind,
    subjectId: e.subject.id,
    onBehalfOfLibraryId: e.onBehalfOfLibraryId ?? null,
    data: e.data ?? {},
  });
}

/** Records the start of an action whose outcome is known only later; returns the event's id. */
export async function startEvent(db: Executor, e: NewEvent): Promise<number> {
  const [row] = await db
    .insert(events)
    .values({
      at: e.at,
      actorKind: e.actor.kind,
      actorId: e.actor.kind === 'system' ? null : e.actor.id,
      actorLabel: 'label' in e.actor ? e.actor.label : `${e.actor.name} (${e.actor.identifier})`,
      action: e.action,
      subjectKind: e.subject.kind,
      subjectId: e.subject.id,
      onBehalfOfLibraryId: e.onBehalfOfLibraryId ?? null,
      data: e.data ?? {},
    })
    .returning({ id: events.id });
  return row!.id;
}

/** Adds to a started event's data what its action's end taught (keys given replace the old ones). */
export async function completeEvent(db: Executor, id: number, data: Record<string, unknown>): Promise<void> {
  await db
    .update(events)
    .set({ data: sql`${events.data} || ${JSON.stringify(data)}::jsonb` })
    .where(eq(events.id, id));
}

export function eventsOf(
  db: Executor,
  subject: { kind: string; id: string },
  limit = 200,
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.subjectKind, subject.kind), eq(events.subjectId, subject.id)))
    .orderBy(desc(events.at), desc(events.id))
    .limit(limit);
}
