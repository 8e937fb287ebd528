import type { Db } from '../db/client.js';
import {
  claimDueMail,
  markAttemptFailed,
  markSent,
  type OutboxRow,
  releaseClaim,
  renewClaim,
} from '../db/repositories/outbox.js';
import type { Clock } from '../domain/clock.js';
import { MINUTE } from '../domain/clock.js';

const SECOND = 1000;

import { retryWhileUnavailable } from '../db/unavailable.js';
import type { MailTransport } from './transport.js';

/** Delay before the next try, by number of attempts made: 1 min, 5 min, 15 min, 1 h, 4 h. */
export const RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 240 * MINUTE];
/** After this many attempts an e-mail is marked failed with its last error. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/**
 * A claim lapses after this long, and another sender takes the e-mail (this one died). Short,
 * so that a killed process delays its e-mails by a minute, and renewed while the batch is sent:
 * longer than one SMTP send can take (the transport's timeouts), plus a margin.
 */
export const CLAIM_MS = 1 * MINUTE;
/** The remaining claims are renewed before a send once this much of the claim has gone by. */
const RENEW_AFTER_MS = 20 * SECOND;
/** Tries to give back unfinished claims after losing the database, then the claim's lapse does it. */
const RELEASE_DELAYS_MS = [0, SECOND / 4, 1 * SECOND, 2 * SECOND];

export interface SendReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends the e-mails that are due. Each row is claimed before sending (SKIP LOCKED), so two
 * instances never send the same e-mail; an SMTP outage only delays mail, it loses none.
 *
 * When the database goes away half-way (restart, failover, lost connection), the run stops and
 * gives back what it claimed but did not finish, through a new connection, so those e-mails
 * leave at the next run instead of waiting for their claim to lapse. An e-mail already handed
 * to the SMTP server is recorded as sent then; if even that fails, it is sent again once its
 * claim lapses (the one way an e-mail can arrive twice).
 */
export async function sendDueMail(
  deps: { db: Db; clock: Clock },
  transport: MailTransport,
  batchSize = 50,
  /** Aborted when the run must stop (its sweep lost its lock). */
  signal?: AbortSignal,
): Promise<SendReport> {
  const report: SendReport = { sent: 0, retried: 0, failed: 0 };
  for (;;) {
    signal?.throwIfAborted();
    const claimedAt = deps.clock.now();
    const claimed = await claimDueMail(deps.db, claimedAt, batchSize, CLAIM_MS);
    if (claimed.length === 0) return report;
    await sendClaimed(deps, transport, claimed, claimedAt, report, signal);
    if (claimed.length < batchSize) return report;
  }
}

async function sendClaimed(
  deps: { db: Db; clock: Clock },
  transport: MailTransport,
  claimed: OutboxRow[],
  claimedAt: Date,
  report: SendReport,
  signal: AbortSignal | undefined,
): Promise<void> {
  let until = claimed[0]!.claimedUntil ?? new Date(claimedAt.getTime() + CLAIM_MS);
  let renewedAt = claimedAt.getTime();
  let held = claimed;
  /** Handed to the SMTP server (or refused by it), not yet recorded. */
  let current: { message: OutboxRow; delivered: boolean } | null = null;
  /** Rows before this one are finished. */
  let i = 0;
  try {
    for (; i < held.length; i++) {
      signal?.throwIfAborted();
      const message = held[i]!;
      const now = deps.clock.now();
      if (now.getTime() - renewedAt >= RENEW_AFTER_MS) {
        const next = new Date(now.getTime() + CLAIM_MS);
        const still = new Set(await renewClaim(deps.db, ids(held.slice(i)), until, next));
        until = next;
        renewedAt = now.getTime();
        // Rows whose claim lapsed meanwhile belong to another sender now.
        held = [...held.slice(0, i), ...held.slice(i).filter((m) => still.has(m.id))];
        if (!still.has(message.id)) {
          i--;
          continue;
        }
      }
      current = { message, delivered: false };
      try {
        await transport.send(message);
        current.delivered = true;
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
        const delay = RETRY_DELAYS_MS[message.attempts - 1];
        const retryAt =
          message.attempts < MAX_ATTEMPTS && delay ? new Date(deps.clock.now().getTime() + delay) : null;
        await markAttemptFailed(deps.db, message.id, reason, retryAt);
        current = null;
        if (retryAt) report.retried++;
        else report.failed++;
        continue;
      }
      await markSent(deps.db, message.id, deps.clock.now());
      current = null;
      report.sent++;
    }
  } catch (error) {
    await giveBack(deps, held.slice(current ? i + 1 : i), current, until);
    throw error;
  }
}

function ids(rows: OutboxRow[]): number[] {
  return rows.map((m) => m.id);
}

async function giveBack(
  deps: { db: Db; clock: Clock },
  untried: OutboxRow[],
  current: { message: OutboxRow; delivered: boolean } | null,
  until: Date,
): Promise<void> {
  // If the database stays away, the claim's lapse gives them back instead.
  await retryWhileUnavailable(async () => {
    if (current?.delivered) await markSent(deps.db, current.message.id, deps.clock.now());
    else if (current) await releaseClaim(deps.db, [current.message.id], until, true);
    current = null;
    await releaseClaim(deps.db, ids(untried), until, false);
  }, RELEASE_DELAYS_MS).catch(() => {});
}
