import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { MAIL_FOOTER_TOKEN, withMailFooter } from '../../mail/layout.js';
import { type Executor, queryRows } from '../client.js';
import { preparedStatement } from '../prepared.js';
import { outbox } from '../schema.js';
import { findNetwork } from './network.js';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxStatus = OutboxRow['status'];

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  template: string;
  /** Set when the e-mail concerns a patron ("Mes messages", anonymisation). */
  patronId?: string | null;
}

/** Call inside the transaction of the change that causes the e-mail. */
export async function enqueueMail(
  db: Executor,
  message: MailMessage,
  now: Date,
  notBefore: Date = now,
): Promise<number> {
  if (message.text.includes(MAIL_FOOTER_TOKEN)) {
    const network = await findNetwork(db);
    message = withMailFooter(message, network?.settings.mailFooter.trim() || network?.name || '');
  }
  const [row] = await db
    .insert(outbox)
    .values({
      toAddress: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      template: message.template,
      patronId: message.patronId ?? null,
      createdAt: now,
      notBefore,
    })
    .returning({ id: outbox.id });
  return row!.id;
}

/**
 * Claims up to `limit` due rows for this sender. SKIP LOCKED lets several instances claim
 * disjoint rows; a claim that was never finished (process killed) lapses after `claimMs`.
 */
export async function claimDueMail(
  db: Executor,
  now: Date,
  limit: number,
  claimMs: number,
): Promise<OutboxRow[]> {
  const until = new Date(now.getTime() + claimMs);
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`
    update ${outbox} set status = 'sending', claimed_until = ${until}, attempts = attempts + 1
    where id in (
      select id from ${outbox}
      where (status = 'pending' and not_before <= ${now})
         or (status = 'sending' and claimed_until < ${now})
      order by not_before, id
      for update skip locked
      limit ${limit}
    )
    returning id`,
  );
  const ids = rows.map((r) => Number(r.id));
  if (ids.length === 0) return [];
  return db.select().from(outbox).where(inArray(outbox.id, ids)).orderBy(outbox.id);
}

/**
 * Extends this sender's claim on rows it still holds (claimed with `until`) to `newUntil`;
 * returns the ids still held: a row missing was taken over after its claim lapsed.
 */
export async function renewClaim(
  db: Executor,
  ids: number[],
  until: Date,
  newUntil: Date,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(outbox)
    .set({ claimedUntil: newUntil })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'sending'), eq(outbox.claimedUntil, until)))
    .returning({ id: outbox.id });
  return rows.map((r) => r.id);
}

/**
 * Gives back rows this sender claimed (with `until`) but did not finish, so any sender takes
 * them at once instead of after the claim lapses. `tried`: the attempt was made and counts.
 */
export async function releaseClaim(db: Executor, ids: number[], until: Date, tried: boolean): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({
      status: 'pending',
      claimedUntil: null,
      ...(tried ? {} : { attempts: sql`greatest(${outbox.attempts} - 1, 0)` }),
    })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'sending'), eq(outbox.claimedUntil, until)));
}

/**
 * Runs once per e-mail sent: a named statement, parsed and planned once per connection (a lookup
 * by primary key, whose plan does not depend on the table's size).
 */
const markSentStatement = preparedStatement<{ id: number; now: Date }, never>(
  'sesame_outbox_mark_sent',
  { plan: 'once' },
  () => sql`update ${outbox}
    set status = 'sent', sent_at = ${sql.placeholder('now')}::timestamptz, claimed_until = null, last_error = null
    where id = ${sql.placeholder('id')}::bigint and status = 'sending'`,
);

export async function markSent(db: Executor, id: number, now: Date): Promise<void> {
  await markSentStatement(db, { id, now });
}

export async function markAttemptFailed(
  db: Executor,
  id: number,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db
    .update(outbox)
    .set(
      retryAt
        ? { status: 'pending', notBefore: retryAt, claimedUntil: null, lastError: error }
        : { status: 'failed', claimedUntil: null, lastError: error },
    )
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sending')));
}

/**
 * A failed e-mail goes back to the queue with fresh attempts, with a new content if given
 * (fresh single-use links); false if it was not failed.
 */
export async function requeueFailed(
  db: Executor,
  id: number,
  now: Date,
  content?: { text: string; html: string },
): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ status: 'pending', attempts: 0, notBefore: now, lastError: null, ...content })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'failed')))
    .returning({ id: outbox.id });
  return rows.length === 1;
}

export async function findMail(db: Executor, id: number): Promise<OutboxRow | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}

export interface MailSearch {
  query?: string;
  status?: OutboxStatus;
  page: number;
  perPage: number;
}

export async function searchMail(db: Executor, s: MailSearch): Promise<{ rows: OutboxRow[]; total: number }> {
  const q = s.query?.trim();
  const conditions: SQL[] = [];
  if (s.status) conditions.push(eq(outbox.status, s.status));
  if (q)
    conditions.push(
      sql`(sesame_fold(${outbox.toAddress}) like '%' || sesame_fold(${q}) || '%' or sesame_fold(${outbox.subject}) like '%' || sesame_fold(${q}) || '%')`,
    );
  const where = conditions.length ? and(...conditions) : undefined;
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(where);
  const rows = await db
    .select()
    .from(outbox)
    .where(where)
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(s.perPage)
    .offset((s.page - 1) * s.perPage);
  return { rows, total: count?.n ?? 0 };
}

export async function outboxCounts(db: Executor): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .select({ status: outbox.status, n: sql<number>`count(*)::int` })
    .from(outbox)
    .groupBy(outbox.status);
  const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

/**
 * Cancels an e-mail that has not left yet (held by an undone decision). Conditional on its
 * status, so a sender that claimed it a moment before wins and the caller is told (false).
 */
export async function cancelUnsentMail(db: Executor, id: number): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ status: 'cancelled', claimedUntil: null })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['pending', 'failed'])))
    .returning({ id: outbox.id });
  return rows.length === 1;
}

/**
 * E-mails of these templates written to `to` (in any case) since `since`. Reads the hour's
 * rows through outbox_created_idx.
 */
export async function mailsToSince(
  db: Executor,
  to: string,
  templates: readonly string[],
  since: Date,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(
      and(
        sql`${outbox.createdAt} >= ${since}`,
        sql`lower(${outbox.toAddress}) = ${to.trim().toLowerCase()}`,
        inArray(outbox.template, [...templates]),
      ),
    );
  return row?.n ?? 0;
}
