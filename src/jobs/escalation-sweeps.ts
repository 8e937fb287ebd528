import { lockUntilCommit } from '../db/client.js';
import { recordEvent } from '../db/repositories/events.js';
import { getNetwork } from '../db/repositories/network.js';
import { enqueueMail } from '../db/repositories/outbox.js';
import {
  claimOverdueReminders,
  DIGEST_ACTION,
  digestSentOn,
  NETWORK_SUBJECT,
  type OverdueRequest,
  overdueByLibrary,
} from '../db/repositories/overdue-requests.js';
import { SYSTEM } from '../domain/actor.js';
import { MINUTE } from '../domain/clock.js';
import { digestDayDue, overdueCutoff } from '../domain/decision-rules.js';
import { daysWaiting } from '../domain/patron-lifecycle.js';
import { overdueDigestMail, overdueReminderMail } from '../mail/decision-mails.js';
import type { Deps } from '../usecases/deps.js';
import type { Sweep } from './sweeps.js';

const BATCH = 100;

function displayName(r: Pick<OverdueRequest, 'firstName' | 'lastName' | 'identifier'>): string {
  return [r.firstName, r.lastName].filter(Boolean).join(' ') || r.identifier || 'Usager';
}

/**
 * Reminds each library of its requests that became overdue (SPEC §2 transition 5), once per
 * request and wait: each batch is claimed by a conditional UPDATE and its e-mails are queued in
 * the same transaction, so an interrupted run leaves nothing claimed without its e-mail. The
 * requests of one library found in a batch share one e-mail.
 */
export async function remindOverdueRequests(deps: Pick<Deps, 'db' | 'clock' | 'baseUrl'>) {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const cutoff = overdueCutoff(now, network.settings);
  let requests = 0;
  let mails = 0;
  for (;;) {
    const claimed = await deps.db.transaction(async (tx) => {
      const rows = await claimOverdueReminders(tx, cutoff, now, BATCH);
      const byLibrary = new Map<string, OverdueRequest[]>();
      for (const r of rows) byLibrary.set(r.libraryId, [...(byLibrary.get(r.libraryId) ?? []), r]);
      for (const group of byLibrary.values()) {
        const first = group[0]!;
        const mailId = await enqueueMail(
          tx,
          overdueReminderMail({
            networkName: network.name,
            to: first.libraryEmail,
            libraryName: first.libraryName,
            escalationDays: network.settings.escalationDays,
            queueUrl: `${deps.baseUrl}/admin/usagers`,
            requests: group.map((r) => ({
              name: displayName(r),
              identifier: r.identifier ?? '',
              pendingSince: r.pendingSince,
              url: `${deps.baseUrl}/admin/usagers/${r.id}`,
            })),
          }),
          now,
        );
        mails++;
        for (const r of group)
          await recordEvent(tx, {
            at: now,
            actor: SYSTEM,
            action: 'overdue_reminded',
            subject: { kind: 'patron', id: r.id },
            data: {
              libraryId: r.libraryId,
              libraryName: r.libraryName,
              mailId,
              daysWaiting: daysWaiting(r.pendingSince, now),
            },
          });
      }
      return rows.length;
    });
    requests += claimed;
    if (claimed < BATCH) break;
  }
  return { requests, mails };
}

/**
 * The network's daily digest of overdue requests per library, sent once per Paris calendar day
 * (from DIGEST_HOUR on), only when some requests are overdue. The day's event row is checked
 * and written under a transaction lock, so the digest goes once even if two runs overlap
 * (`jobs run` by hand while the scheduler works).
 */
export async function sendOverdueDigest(deps: Pick<Deps, 'db' | 'clock' | 'baseUrl'>) {
  const now = deps.clock.now();
  const day = digestDayDue(now);
  if (!day) return { sent: 0, requests: 0 };
  return deps.db.transaction(async (tx) => {
    await lockUntilCommit(tx, 'overdue-digest');
    if (await digestSentOn(tx, day)) return { sent: 0, requests: 0 };
    const network = await getNetwork(tx);
    const groups = await overdueByLibrary(tx, overdueCutoff(now, network.settings));
    if (groups.length === 0) return { sent: 0, requests: 0 };
    const pageUrl = `${deps.baseUrl}/admin/retards`;
    const mailId = await enqueueMail(
      tx,
      overdueDigestMail({
        networkName: network.name,
        to: network.email,
        day: now,
        escalationDays: network.settings.escalationDays,
        pageUrl,
        libraries: groups.map((g) => ({
          name: g.libraryName,
          code: g.libraryCode,
          count: g.count,
          oldestDays: daysWaiting(g.oldestSince, now),
          url: `${pageUrl}?bibliotheque=${g.libraryId}`,
        })),
      }),
      now,
    );
    const total = groups.reduce((n, g) => n + g.count, 0);
    await recordEvent(tx, {
      at: now,
      actor: SYSTEM,
      action: DIGEST_ACTION,
      subject: NETWORK_SUBJECT,
      data: { day, requests: total, libraries: groups.length, mailId },
    });
    return { sent: 1, requests: total };
  });
}

export const ESCALATION_SWEEPS: Sweep[] = [
  {
    name: 'overdue-requests',
    description: 'relance les bibliothèques dont des demandes attendent une décision depuis trop longtemps',
    intervalMs: 15 * MINUTE,
    run: (ctx) => remindOverdueRequests({ db: ctx.db, clock: ctx.clock, baseUrl: ctx.config.baseUrl }),
  },
  {
    name: 'overdue-digest',
    description: 'envoie une fois par jour au réseau le récapitulatif des demandes en retard',
    intervalMs: 15 * MINUTE,
    run: (ctx) => sendOverdueDigest({ db: ctx.db, clock: ctx.clock, baseUrl: ctx.config.baseUrl }),
  },
];
