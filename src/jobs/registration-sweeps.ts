import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { recordEvent } from '../db/repositories/events.js';
import { getNetwork } from '../db/repositories/network.js';
import { enqueueMail } from '../db/repositories/outbox.js';
import { anonymisePatrons } from '../db/repositories/patron-erasure.js';
import { patrons } from '../db/schema.js';
import { SYSTEM } from '../domain/actor.js';
import { DAY, MINUTE } from '../domain/clock.js';
import { confirmationDeadline } from '../domain/patron-lifecycle.js';
import { confirmationReminderMail } from '../mail/registration-mails.js';
import { issueConfirmationLink } from '../usecases/patrons/register-patron.js';
import type { Sweep, SweepContext } from './sweeps.js';

/** Rows claimed per transaction: short transactions, and an interrupted run loses little. */
const BATCH = 100;

export { ERASED_PATRON_LABEL } from '../domain/erasure.js';

/**
 * Reminds unconfirmed requests N days before their link lapses (SPEC §2 transition 2), with a
 * fresh link: the reminder must work even if the first e-mail was lost. Each request is
 * claimed by setting confirmation_reminded_at in the same conditional UPDATE, so it is
 * reminded once whatever the number of instances or reruns.
 */
export async function sendConfirmationReminders(ctx: Pick<SweepContext, 'db' | 'clock' | 'config'>) {
  const network = await getNetwork(ctx.db);
  const { settings } = network;
  const leadDays = settings.confirmationDays - settings.confirmationReminderDays;
  // No reminder wanted, or it would come with the first e-mail.
  if (settings.confirmationReminderDays <= 0 || leadDays <= 0) return { reminded: 0 };
  let reminded = 0;
  for (;;) {
    const now = ctx.clock.now();
    const due = and(
      eq(patrons.state, 'awaiting_confirmation'),
      isNull(patrons.confirmationRemindedAt),
      lte(patrons.registeredAt, new Date(now.getTime() - leadDays * DAY)),
      gt(patrons.registeredAt, new Date(now.getTime() - settings.confirmationDays * DAY)),
    );
    const claimed = await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .update(patrons)
        .set({ confirmationRemindedAt: now, updatedAt: now })
        .where(and(claimable(tx, due), due))
        .returning();
      for (const p of rows) {
        if (!p.email) continue;
        const deadline = confirmationDeadline(p.registeredAt, settings);
        const url = await issueConfirmationLink(tx, p.id, now, deadline, ctx.config.baseUrl);
        await enqueueMail(
          tx,
          {
            ...confirmationReminderMail({
              networkName: network.name,
              to: p.email,
              patron: {
                firstName: p.firstName ?? '',
                lastName: p.lastName ?? '',
                identifier: p.identifier ?? '',
              },
              url,
              deadline,
            }),
            // The e-mail is about the patron: the lapse that follows erases it with the rest.
            patronId: p.id,
          },
          now,
        );
        await recordEvent(tx, {
          at: now,
          actor: SYSTEM,
          action: 'confirmation_reminded',
          subject: { kind: 'patron', id: p.id },
          data: { confirmationDeadline: deadline.toISOString() },
        });
      }
      return rows.length;
    });
    reminded += claimed;
    if (claimed < BATCH) return { reminded };
  }
}

/**
 * Requests never confirmed in time become `lapsed` and lose their personal data at once
 * (SPEC §2 transition 2, NuMos rule); library, dates and birth year stay for statistics.
 */
export async function lapseUnconfirmed(ctx: Pick<SweepContext, 'db' | 'clock'>) {
  const { settings } = await getNetwork(ctx.db);
  let lapsed = 0;
  for (;;) {
    const now = ctx.clock.now();
    const due = and(
      eq(patrons.state, 'awaiting_confirmation'),
      lte(patrons.registeredAt, new Date(now.getTime() - settings.confirmationDays * DAY)),
    );
    const claimed = await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .update(patrons)
        .set({ state: 'lapsed', updatedAt: now })
        .where(and(claimable(tx, due), due))
        .returning({ id: patrons.id });
      if (rows.length === 0) return 0;
      await anonymisePatrons(
        tx,
        rows.map((r) => r.id),
        now,
        'lapsed',
      );
      for (const r of rows)
        await recordEvent(tx, {
          at: now,
          actor: SYSTEM,
          action: 'lapsed',
          subject: { kind: 'patron', id: r.id },
          data: { reason: 'not_confirmed' },
        });
      return rows.length;
    });
    lapsed += claimed;
    if (claimed < BATCH) return { lapsed };
  }
}

/**
 * Due rows not being handled by another instance right now. As an array, the locking subquery
 * runs once: a plain `id in (…)` may be rescanned during the UPDATE and claim more than BATCH.
 * No ORDER BY: every due row is handled in the run anyway, and sorting by registration date led
 * PostgreSQL to walk the whole registration index (seconds on 1 M patrons) instead of the few
 * requests awaiting confirmation.
 */
function claimable(tx: Executor, due: ReturnType<typeof and>) {
  const locked = tx
    .select({ id: patrons.id })
    .from(patrons)
    .where(due)
    .limit(BATCH)
    .for('update', { skipLocked: true });
  return sql`${patrons.id} = any(array(${locked}))`;
}

export const REGISTRATION_SWEEPS: Sweep[] = [
  {
    name: 'confirmation-reminders',
    description: 'rappelle aux demandeurs de confirmer leur inscription avant l’expiration du lien',
    intervalMs: 15 * MINUTE,
    run: (ctx) => sendConfirmationReminders(ctx),
  },
  {
    name: 'lapse-unconfirmed',
    description: 'supprime les demandes d’inscription non confirmées dans le délai (données effacées)',
    intervalMs: 15 * MINUTE,
    run: (ctx) => lapseUnconfirmed(ctx),
  },
];
