import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import {
  type AnonymisationReason,
  ERASED_MAIL,
  ERASED_PATRON_LABEL,
  ERASURE_REASON_LABELS,
  recordIdsIn,
  scrubEventData,
  withoutRequestLines,
} from '../../domain/erasure.js';
import type { Executor } from '../client.js';
import { events, outbox, patrons, sessions, tokens } from '../schema.js';
import { deleteThreadsOfPatrons } from './messages.js';

/**
 * Erases a patron's personal data (SPEC §2 transitions 2, 8, 9) in the caller's transaction:
 * names, e-mail, identifiant, password hash, card number, pending e-mail, undo snapshot, exact
 * birth date (the year stays); library, dates, state, decision and refusal code stay so
 * statistics survive. Their links and sessions go; their history keeps its facts with the
 * subject's identity rewritten; the e-mails about them keep date and template but lose address
 * and content, and those not sent yet are cancelled.
 *
 * Does not change the state nor record an event: the caller does both. Returns false when the
 * patron does not exist or was already anonymised (nothing done).
 */
export async function anonymisePatron(
  tx: Executor,
  patronId: string,
  now: Date,
  reason: AnonymisationReason,
): Promise<boolean> {
  return (await anonymisePatrons(tx, [patronId], now, reason)) === 1;
}

/** anonymisePatron for a batch claimed by a sweep: a few statements per batch, not per patron. */
export async function anonymisePatrons(
  tx: Executor,
  ids: readonly string[],
  now: Date,
  reason: AnonymisationReason,
): Promise<number> {
  if (ids.length === 0) return 0;
  // The values themselves, read (and locked) before they go, to find them in free text.
  const found = await tx
    .select({
      id: patrons.id,
      lastName: patrons.lastName,
      firstName: patrons.firstName,
      email: patrons.email,
      identifier: patrons.identifier,
      cardNumber: patrons.cardNumber,
      pendingEmail: patrons.pendingEmail,
    })
    .from(patrons)
    .where(and(inArray(patrons.id, [...ids]), isNull(patrons.anonymisedAt)))
    .for('update');
  if (found.length === 0) return 0;
  const targets = found.map((p) => p.id);
  await tx
    .update(patrons)
    .set({
      lastName: null,
      firstName: null,
      birthDate: null,
      email: null,
      identifier: null,
      passwordHash: null,
      cardNumber: null,
      pendingEmail: null,
      newsletter: false,
      undoSnapshot: null,
      undoUntil: null,
      undoMailId: null,
      anonymisedAt: now,
      updatedAt: now,
    })
    .where(inArray(patrons.id, targets));
  await tx
    .delete(tokens)
    .where(and(eq(tokens.principalKind, 'patron'), inArray(tokens.principalId, targets)));
  await tx
    .delete(sessions)
    .where(and(eq(sessions.principalKind, 'patron'), inArray(sessions.principalId, targets)));
  await rewriteHistory(tx, found);
  // Their messages to the library and to support are personal data through and through.
  await deleteThreadsOfPatrons(tx, targets, ERASED_PATRON_LABEL);
  await eraseMail(tx, targets, reason);
  await scrubSharedMail(tx, targets, reason);
  return targets.length;
}

type Identity = {
  id: string;
  lastName: string | null;
  firstName: string | null;
  email: string | null;
  identifier: string | null;
  cardNumber: string | null;
  pendingEmail: string | null;
};

/** Each patron's own values, to look for in free text. */
function needlesByPatron(people: readonly Identity[]): Map<string, string[]> {
  return new Map(
    people.map((p) => [
      p.id,
      [p.lastName, p.firstName, p.email, p.identifier, p.cardNumber, p.pendingEmail].filter(
        (v): v is string => Boolean(v),
      ),
    ]),
  );
}

/**
 * Events about the patron keep their facts with the identity rewritten. Events the patron
 * acted are always about their own account (registration, confirmation, password, profile),
 * so looking them up by subject uses the history's index.
 */
async function rewriteHistory(tx: Executor, people: readonly Identity[]): Promise<void> {
  const ids = people.map((p) => p.id);
  await tx
    .update(events)
    .set({ actorLabel: ERASED_PATRON_LABEL })
    .where(
      and(
        eq(events.subjectKind, 'patron'),
        inArray(events.subjectId, ids),
        eq(events.actorKind, 'patron'),
        inArray(events.actorId, ids),
      ),
    );
  const rows = await tx
    .select({ id: events.id, subjectId: events.subjectId, data: events.data })
    .from(events)
    .where(
      and(
        eq(events.subjectKind, 'patron'),
        inArray(events.subjectId, ids),
        sql`${events.data} <> '{}'::jsonb`,
      ),
    );
  const needlesOf = needlesByPatron(people);
  const changed: Array<{ id: number; data: unknown }> = [];
  for (const row of rows) {
    const scrubbed = scrubEventData(row.data, needlesOf.get(row.subjectId) ?? []);
    if (JSON.stringify(scrubbed) !== JSON.stringify(row.data)) changed.push({ id: row.id, data: scrubbed });
  }
  if (changed.length === 0) return;
  // One statement for the whole batch, however many events changed.
  await tx.execute(sql`
    update ${events} set data = v.data
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as v(id bigint, data jsonb)
    where ${events.id} = v.id`);
}

/** E-mails about the patron stay listed (date, template, status) without address or content. */
async function eraseMail(tx: Executor, ids: readonly string[], reason: AnonymisationReason): Promise<void> {
  await blankMail(tx, inArray(outbox.patronId, [...ids]), reason);
}

async function blankMail(tx: Executor, where: SQL | undefined, reason: AnonymisationReason): Promise<void> {
  const note = `Contenu effacé : ${ERASURE_REASON_LABELS[reason]}.`;
  await tx
    .update(outbox)
    .set({
      toAddress: ERASED_MAIL,
      subject: ERASED_MAIL,
      text: note,
      html: `<p>${note}</p>`,
      lastError: null,
      // An e-mail not sent yet must not leave: its address is gone.
      status: sql`case when ${outbox.status} in ('pending', 'sending') then 'cancelled' else ${outbox.status} end`,
      claimedUntil: null,
    })
    .where(where);
}

/**
 * E-mails to staff about requests (overdue reminders) carry no patron: they are found through
 * the history of each erased patron (its `mailId`). One about the erased patrons only is
 * blanked like their own e-mails; one that also lists others loses the erased patrons' lines,
 * and the library keeps the others. The rows are locked first, in order, so that two erasures
 * at once of patrons listed in the same e-mail cannot write back each other's lines.
 */
async function scrubSharedMail(
  tx: Executor,
  ids: readonly string[],
  reason: AnonymisationReason,
): Promise<void> {
  // Two lookups by index, not one join: joined, PostgreSQL sometimes read the whole outbox for a
  // few dozen patrons (1.3 s a batch at a million e-mails, most of the daily lapse sweep).
  const named = await tx
    .select({ patronId: events.subjectId, mailId: sql<string>`${events.data}->>'mailId'` })
    .from(events)
    .where(
      and(
        eq(events.subjectKind, 'patron'),
        inArray(events.subjectId, [...ids]),
        sql`${events.data} ? 'mailId'`,
      ),
    );
  const erasedIn = new Map<number, string[]>();
  for (const r of named) {
    if (!/^\d{1,15}$/.test(r.mailId ?? '')) continue;
    const id = Number(r.mailId);
    erasedIn.set(id, [...(erasedIn.get(id) ?? []), r.patronId]);
  }
  if (erasedIn.size === 0) return;
  const mails = await tx
    .select({ id: outbox.id, text: outbox.text, html: outbox.html })
    .from(outbox)
    .where(and(inArray(outbox.id, [...erasedIn.keys()]), isNull(outbox.patronId)))
    .orderBy(asc(outbox.id))
    .for('update');
  const whole: number[] = [];
  const changed: Array<{ id: number; text: string; html: string }> = [];
  for (const mail of mails) {
    const erased = erasedIn.get(mail.id) ?? [];
    const listed = recordIdsIn(mail.text);
    if ([...listed].every((id) => erased.includes(id))) whole.push(mail.id);
    else changed.push({ id: mail.id, ...withoutRequestLines(mail, erased) });
  }
  if (whole.length > 0) await blankMail(tx, inArray(outbox.id, whole), reason);
  if (changed.length === 0) return;
  await tx.execute(sql`
    update ${outbox} set text = v.text, html = v.html
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as v(id bigint, text text, html text)
    where ${outbox.id} = v.id`);
}
