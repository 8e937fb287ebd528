import { and, asc, desc, eq, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { consultations, events, libraries, network, outbox, patrons, resources } from '../schema.js';

/**
 * What Sésame holds about one patron, as the patron sees it: the e-mails they received, their
 * history and their consultations ("Mon compte", "Télécharger mes données").
 */

export interface PatronMessage {
  id: number;
  toAddress: string;
  subject: string;
  text: string;
  template: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
  createdAt: Date;
  sentAt: Date | null;
}

const MESSAGE = {
  id: outbox.id,
  toAddress: outbox.toAddress,
  subject: outbox.subject,
  text: outbox.text,
  template: outbox.template,
  status: outbox.status,
  createdAt: outbox.createdAt,
  sentAt: outbox.sentAt,
};

/**
 * E-mails to the patron: those about them (patron_id), minus the ones addressed to a library
 * or to the network (a request to validate is about the patron but is the library's mail),
 * minus the ones cancelled or still held (a decision that may yet be undone).
 */
function receivedBy(patronId: string, now: Date): SQL {
  return and(
    eq(outbox.patronId, patronId),
    ne(outbox.status, 'cancelled'),
    lte(outbox.notBefore, now),
    sql`not exists (select 1 from ${libraries} where lower(${libraries.email}) = lower(${outbox.toAddress}))`,
    sql`not exists (select 1 from ${network} where lower(${network.email}) = lower(${outbox.toAddress}))`,
  )!;
}

/** Newest first. */
export async function patronMessages(
  db: Executor,
  patronId: string,
  now: Date,
  page: { limit: number; offset: number },
): Promise<{ rows: PatronMessage[]; total: number }> {
  const where = receivedBy(patronId, now);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(where);
  const rows = await db
    .select(MESSAGE)
    .from(outbox)
    .where(where)
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(page.limit)
    .offset(page.offset);
  return { rows, total: count?.n ?? 0 };
}

/** One of the patron's messages; null for anyone else's (the caller answers 404). */
export async function findPatronMessage(
  db: Executor,
  patronId: string,
  id: number,
  now: Date,
): Promise<PatronMessage | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const [row] = await db
    .select(MESSAGE)
    .from(outbox)
    .where(and(eq(outbox.id, id), receivedBy(patronId, now)));
  return row ?? null;
}

export type HistoryEvent = typeof events.$inferSelect;

/** Every event about the patron, oldest first (a download is read as a story). */
export function patronHistory(db: Executor, patronId: string): Promise<HistoryEvent[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.subjectKind, 'patron'), eq(events.subjectId, patronId)))
    .orderBy(asc(events.at), asc(events.id));
}

/** Every opening of a resource by the patron, newest first. */
export function patronConsultations(db: Executor, patronId: string) {
  return db
    .select({
      at: consultations.at,
      resourceName: resources.name,
      documents: resources.documents,
      kind: consultations.kind,
      category: consultations.category,
      document: consultations.document,
      counted: consultations.counted,
    })
    .from(consultations)
    .leftJoin(resources, eq(resources.id, consultations.resourceId))
    .where(eq(consultations.patronId, patronId))
    .orderBy(desc(consultations.at), desc(consultations.id));
}

export type PatronConsultation = Awaited<ReturnType<typeof patronConsultations>>[number];

/** Another live (not lapsed, not anonymised) patron uses this address. */
export async function emailUsedByAnotherPatron(
  db: Executor,
  email: string,
  patronId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: patrons.id })
    .from(patrons)
    .where(
      and(
        eq(sql`lower(${patrons.email})`, email.trim().toLowerCase()),
        ne(patrons.id, patronId),
        ne(patrons.state, 'lapsed'),
        sql`${patrons.anonymisedAt} is null`,
      ),
    )
    .limit(1);
  return Boolean(row);
}
