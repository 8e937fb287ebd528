import { and, desc, eq } from 'drizzle-orm';
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
