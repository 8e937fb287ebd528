import type { Db } from '../db/client.js';
import { claimDueMail, markAttemptFailed, markSent } from '../db/repositories/outbox.js';
import type { Clock } from '../domain/clock.js';
import { MINUTE } from '../domain/clock.js';
import type { MailTransport } from './transport.js';

/** Delay before the next try, by number of attempts made: 1 min, 5 min, 15 min, 1 h, 4 h. */
export const RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 240 * MINUTE];
/** After this many attempts an e-mail is marked failed with its last error. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A claim older than this is considered abandoned (the sender died) and taken again. */
const CLAIM_MS = 5 * MINUTE;

export interface SendReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends the e-mails that are due. Each row is claimed before sending (SKIP LOCKED), so two
 * instances never send the same e-mail; an SMTP outage only delays mail, it loses none.
 */
export async function sendDueMail(
  deps: { db: Db; clock: Clock },
  transport: MailTransport,
  batchSize = 50,
): Promise<SendReport> {
  const report: SendReport = { sent: 0, retried: 0, failed: 0 };
  for (;;) {
    const claimed = await claimDueMail(deps.db, deps.clock.now(), batchSize, CLAIM_MS);
    if (claimed.length === 0) return report;
    for (const message of claimed) {
      try {
        await transport.send(message);
        await markSent(deps.db, message.id, deps.clock.now());
        report.sent++;
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
        const delay = RETRY_DELAYS_MS[message.attempts - 1];
        const retryAt =
          message.attempts < MAX_ATTEMPTS && delay ? new Date(deps.clock.now().getTime() + delay) : null;
        await markAttemptFailed(deps.db, message.id, reason, retryAt);
        if (retryAt) report.retried++;
        else report.failed++;
      }
    }
    if (claimed.length < batchSize) return report;
  }
}
