import { and, eq, gte, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { getNetwork, type Network } from '../db/repositories/network.js';
import type { MailMessage } from '../db/repositories/outbox.js';
import { anonymisePatrons } from '../db/repositories/patron-erasure.js';
import { events, libraries, outbox, patrons, tokens } from '../db/schema.js';
import { SYSTEM } from '../domain/actor.js';
import { MINUTE } from '../domain/clock.js';
import { addDays } from '../domain/patron-lifecycle.js';
import {
  anonymisationDay,
  parisMidnight,
  parisToday,
  renewalLinkExpiry,
  retentionCutoffs,
} from '../domain/renewal-rules.js';
import {
  renewalReminderMail,
  retentionWarningMail,
  subscriptionExpiredMail,
} from '../mail/lifecycle-mails.js';
import { newSecretToken, sha256 } from '../security/tokens.js';
import type { Sweep, SweepContext } from './sweeps.js';

/**
 * The daily sweeps of the subscription's end (SPEC §2 transitions 6 to 8): renewal reminders,
 * expiries, and the RGPD retention (warning, then anonymisation).
 *
 * Every sweep claims its due records in batches, each batch in its own transaction: a
 * conditional UPDATE (or SELECT … FOR UPDATE SKIP LOCKED) on rows still due, then the
 * e-mails and history events of exactly those rows, committed together. A run interrupted
 * halfway (process killed) leaves each record either done with its e-mail and event, or not
 * done at all, and the next run finishes; two instances take disjoint rows.
 *
 * A `renewal_pending` patron whose end date passes stays `renewal_pending`: the library still
 * has to decide, and the request stays in its queue. Access already stops at the end date
 * (resource-access treats it as expired); a refusal then leads to `expired`, an acceptance
 * starts a new period from the decision day.
 */

export type LifecycleContext = Pick<SweepContext, 'db' | 'clock' | 'config'>;

export interface BatchOptions {
  /** Rows claimed per transaction (500). */
  batchSize?: number;
  /**
   * Called inside each batch's transaction once its work is written, before commit: throwing
   * here rolls that batch back, as a killed process would (tests of interrupted runs).
   */
  onBatch?: (claimed: number) => void | Promise<void>;
}

const BATCH = 500;

/** Runs `work` in successive transactions until a batch comes back short. */
async function inBatches(
  ctx: LifecycleContext,
  options: BatchOptions,
  work: (tx: Executor, limit: number) => Promise<number>,
): Promise<number> {
  const limit = options.batchSize ?? BATCH;
  let total = 0;
  for (;;) {
    const done = await ctx.db.transaction(async (tx) => {
      const n = await work(tx, limit);
      if (n > 0) await options.onBatch?.(n);
      return n;
    });
    total += done;
    if (done < limit) return total;
  }
}

/**
 * `id = any(array(…))` over up to `limit` due patrons, locked for this transaction; rows another
 * instance holds are skipped. The array makes PostgreSQL run the locking subquery once: as a
 * plain `id in (…)` it may be rescanned while the UPDATE runs, skip the rows just updated and
 * lock the next ones, claiming more than `limit`.
 *
 * `order` is the end date when the condition fixes the state, which patrons_lifecycle_idx
 * (state, active_until) returns in order; null (no ORDER BY) otherwise. Ordering on anything
 * else makes PostgreSQL walk a whole index in that order looking for the few due rows.
 */
function dueIds(tx: Executor, due: SQL | undefined, order: SQL | null, limit: number): SQL {
  const query = tx.select({ id: patrons.id }).from(patrons).where(due);
  const locked = (order ? query.orderBy(order) : query).limit(limit).for('update', { skipLocked: true });
  return sql`${patrons.id} = any(array(${locked}))`;
}

type Claimed = Pick<
  typeof patrons.$inferSelect,
  'id' | 'libraryId' | 'firstName' | 'lastName' | 'email' | 'activeUntil' | 'decidedAt' | 'state'
>;

const claimedColumns = {
  id: patrons.id,
  libraryId: patrons.libraryId,
  firstName: patrons.firstName,
  lastName: patrons.lastName,
  email: patrons.email,
  activeUntil: patrons.activeUntil,
  decidedAt: patrons.decidedAt,
  state: patrons.state,
};

/** The conditional UPDATE of a batch: only rows still due change, and only those come back. */
async function claim(
  tx: Executor,
  due: SQL | undefined,
  order: SQL | null,
  limit: number,
  values: Partial<typeof patrons.$inferInsert>,
): Promise<Claimed[]> {
  return tx
    .update(patrons)
    .set(values)
    .where(and(dueIds(tx, due, order, limit), due))
    .returning(claimedColumns);
}

async function libraryNames(tx: Executor, rows: readonly Claimed[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.libraryId))];
  if (ids.length === 0) return new Map();
  const found = await tx
    .select({ id: libraries.id, name: libraries.name })
    .from(libraries)
    .where(inArray(libraries.id, ids));
  return new Map(found.map((l) => [l.id, l.name]));
}

/** One INSERT for a batch's e-mails (the outbox row enqueueMail would write, many at once). */
async function enqueueAll(tx: Executor, messages: MailMessage[], now: Date): Promise<void> {
  if (messages.length === 0) return;
  await tx.insert(outbox).values(
    messages.map((m) => ({
      toAddress: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      template: m.template,
      patronId: m.patronId ?? null,
      createdAt: now,
      notBefore: now,
    })),
  );
}

/** One INSERT for a batch's history events, all by the scheduler. */
async function recordAll(
  tx: Executor,
  now: Date,
  rows: Array<{ patronId: string; action: string; data: Record<string, unknown> }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(events).values(
    rows.map((r) => ({
      at: now,
      actorKind: SYSTEM.kind,
      actorId: null,
      actorLabel: SYSTEM.label,
      action: r.action,
      subjectKind: 'patron',
      subjectId: r.patronId,
      data: r.data,
    })),
  );
}

const person = (r: Claimed) => ({ firstName: r.firstName ?? '', lastName: r.lastName ?? '' });
const loginUrl = (ctx: LifecycleContext) => `${ctx.config.baseUrl}/connexion?suite=%2Fmon-compte`;

/**
 * N days before the end date (renewalReminderDays, 15), the patron receives the seed's
 * reminder with a single-use renewal link (purpose 'renewal', stored hashed, valid until the
 * data would be erased). Once per end date: renewalRemindedAt older than this end date's
 * window belongs to a previous period.
 */
export async function sendRenewalReminders(ctx: LifecycleContext, options: BatchOptions = {}) {
  const network = await getNetwork(ctx.db);
  const { settings } = network;
  const days = settings.renewalReminderDays;
  if (days <= 0) return { reminded: 0 };
  const now = ctx.clock.now();
  const today = parisToday(now);
  // `anonymised_at is null` always holds for active patrons; it lets PostgreSQL use the partial
  // patrons_lifecycle_idx.
  const due = and(
    eq(patrons.state, 'active'),
    isNull(patrons.anonymisedAt),
    gte(patrons.activeUntil, today),
    lte(patrons.activeUntil, addDays(today, days)),
    or(
      isNull(patrons.renewalRemindedAt),
      lt(
        patrons.renewalRemindedAt,
        sql`(${patrons.activeUntil} - ${days}::int)::timestamp at time zone 'Europe/Paris'`,
      ),
    ),
  );
  const reminded = await inBatches(ctx, options, async (tx, limit) => {
    const rows = await claim(tx, due, sql`${patrons.activeUntil}`, limit, {
      renewalRemindedAt: now,
      updatedAt: now,
    });
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    // The newest link replaces older ones still lying in the patron's mailbox.
    await tx
      .update(tokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(tokens.purpose, 'renewal'),
          eq(tokens.principalKind, 'patron'),
          inArray(tokens.principalId, ids),
          isNull(tokens.usedAt),
        ),
      );
    const names = await libraryNames(tx, rows);
    const links: Array<typeof tokens.$inferInsert> = [];
    const mails: MailMessage[] = [];
    for (const r of rows) {
      if (!r.email || !r.activeUntil) continue;
      const secret = settings.onlineRenewal ? newSecretToken() : null;
      if (secret)
        links.push({
          hash: sha256(secret),
          purpose: 'renewal',
          principalKind: 'patron',
          principalId: r.id,
          createdAt: now,
          expiresAt: renewalLinkExpiry(r.activeUntil, settings),
        });
      mails.push(
        renewalReminderMail({
          networkName: network.name,
          to: r.email,
          patronId: r.id,
          patron: person(r),
          libraryName: names.get(r.libraryId) ?? '',
          activeUntil: r.activeUntil,
          url: secret ? `${ctx.config.baseUrl}/mon-compte/renouveler/${secret}` : null,
        }),
      );
    }
    if (links.length) await tx.insert(tokens).values(links);
    await enqueueAll(tx, mails, now);
    await recordAll(
      tx,
      now,
      rows.map((r) => ({ patronId: r.id, action: 'renewal_reminded', data: { activeUntil: r.activeUntil } })),
    );
    return rows.length;
  });
  return { reminded };
}

/**
 * The day after the end date, an active subscription becomes `expired` (SPEC §2 transition 7)
 * and the patron is told how to ask for renewal. They can still log in.
 */
export async function expireSubscriptions(ctx: LifecycleContext, options: BatchOptions = {}) {
  const network = await getNetwork(ctx.db);
  const now = ctx.clock.now();
  const due = and(
    eq(patrons.state, 'active'),
    isNull(patrons.anonymisedAt),
    lt(patrons.activeUntil, parisToday(now)),
  );
  const expired = await inBatches(ctx, options, async (tx, limit) => {
    const rows = await claim(tx, due, sql`${patrons.activeUntil}`, limit, {
      state: 'expired',
      updatedAt: now,
    });
    if (rows.length === 0) return 0;
    const names = await libraryNames(tx, rows);
    await enqueueAll(
      tx,
      rows
        .filter((r) => r.email && r.activeUntil)
        .map((r) =>
          subscriptionExpiredMail({
            networkName: network.name,
            to: r.email!,
            patronId: r.id,
            patron: person(r),
            libraryName: names.get(r.libraryId) ?? '',
            activeUntil: r.activeUntil!,
            loginUrl: loginUrl(ctx),
            eraseOn: anonymisationDay(r.activeUntil!, network.settings),
            onlineRenewal: network.settings.onlineRenewal,
          }),
        ),
      now,
    );
    await recordAll(
      tx,
      now,
      rows.map((r) => ({ patronId: r.id, action: 'expired', data: { activeUntil: r.activeUntil } })),
    );
    return rows.length;
  });
  return { expired };
}

/** The SQL conditions of the retention sweep for one day, shared by the warnings and erasures. */
function retentionConditions(network: Network, now: Date) {
  const { settings } = network;
  const { eraseUpTo, warnUpTo } = retentionCutoffs(parisToday(now), settings);
  const refusedOn = sql`coalesce(${patrons.decidedAt}, ${patrons.registeredAt})`;
  const notErased = isNull(patrons.anonymisedAt);
  const expired = and(eq(patrons.state, 'expired'), notErased);
  const refused = and(eq(patrons.state, 'refused'), notErased);
  // The day the warning for this record's current end became due: older warnings are stale.
  const warnDelay = settings.retentionDays + 1 - settings.retentionWarningDays;
  return {
    eraseExpired: and(expired, lte(patrons.activeUntil, eraseUpTo)),
    eraseRefused: and(refused, sql`${refusedOn} < ${parisMidnight(addDays(eraseUpTo, 1))}`),
    eraseLapsed: and(eq(patrons.state, 'lapsed'), notErased),
    warnExpired: and(
      expired,
      lte(patrons.activeUntil, warnUpTo),
      sql`${patrons.activeUntil} > ${eraseUpTo}`,
      or(
        isNull(patrons.retentionWarnedAt),
        lt(
          patrons.retentionWarnedAt,
          sql`(${patrons.activeUntil} + ${warnDelay}::int)::timestamp at time zone 'Europe/Paris'`,
        ),
      ),
    ),
    warnRefused: and(
      refused,
      sql`${refusedOn} < ${parisMidnight(addDays(warnUpTo, 1))}`,
      sql`${refusedOn} >= ${parisMidnight(addDays(eraseUpTo, 1))}`,
      or(isNull(patrons.retentionWarnedAt), sql`${patrons.retentionWarnedAt} < ${refusedOn}`),
    ),
  };
}

/**
 * RGPD retention (SPEC §2 transition 8): expired and refused records are kept `retentionDays`
 * after the end date or the refusal, lapsed ones not at all. First those whose time is up are
 * anonymised (anonymisePatron: statistics survive), then the patrons whose erasure comes within
 * `retentionWarningDays` are warned once. The legal limit wins over the courtesy: a record
 * whose warning was never due (settings changed, Sésame just installed) is still erased on time.
 */
export async function applyRetention(ctx: LifecycleContext, options: BatchOptions = {}) {
  const network = await getNetwork(ctx.db);
  const now = ctx.clock.now();
  const c = retentionConditions(network, now);
  let anonymised = 0;
  const erase = (
    due: SQL | undefined,
    order: SQL | null,
    lastDay: (r: Claimed) => string | null,
    reason: 'retention' | 'lapsed',
  ) =>
    inBatches(ctx, options, async (tx, limit) => {
      const rows = await tx
        .select(claimedColumns)
        .from(patrons)
        .where(and(dueIds(tx, due, order, limit), due));
      if (rows.length === 0) return 0;
      // The event first: it carries no personal data, and anonymisation leaves it as it is.
      await recordAll(
        tx,
        now,
        rows.map((r) => ({
          patronId: r.id,
          action: 'anonymised',
          data: { reason: 'retention', state: r.state, lastDay: lastDay(r) },
        })),
      );
      return anonymisePatrons(
        tx,
        rows.map((r) => r.id),
        now,
        reason,
      );
    });
  anonymised += await erase(c.eraseExpired, sql`${patrons.activeUntil}`, (r) => r.activeUntil, 'retention');
  anonymised += await erase(
    c.eraseRefused,
    null,
    (r) => (r.decidedAt ? parisToday(r.decidedAt) : null),
    'retention',
  );
  anonymised += await erase(c.eraseLapsed, null, () => null, 'lapsed');

  const warn = (due: SQL | undefined, order: SQL | null, reason: 'expired' | 'refused') =>
    inBatches(ctx, options, async (tx, limit) => {
      const rows = await claim(tx, due, order, limit, { retentionWarnedAt: now, updatedAt: now });
      if (rows.length === 0) return 0;
      const lastDayOf = (r: Claimed) =>
        reason === 'expired' ? r.activeUntil! : parisToday(r.decidedAt ?? now);
      await enqueueAll(
        tx,
        rows
          .filter((r) => r.email)
          .map((r) =>
            retentionWarningMail({
              networkName: network.name,
              to: r.email!,
              patronId: r.id,
              patron: person(r),
              eraseOn: anonymisationDay(lastDayOf(r), network.settings),
              reason,
              loginUrl: loginUrl(ctx),
              onlineRenewal: network.settings.onlineRenewal,
            }),
          ),
        now,
      );
      await recordAll(
        tx,
        now,
        rows.map((r) => ({
          patronId: r.id,
          action: 'retention_warned',
          data: { eraseOn: anonymisationDay(lastDayOf(r), network.settings) },
        })),
      );
      return rows.length;
    });
  const warned =
    (await warn(c.warnExpired, sql`${patrons.activeUntil}`, 'expired')) +
    (await warn(c.warnRefused, null, 'refused'));
  return { anonymised, warned };
}

export const LIFECYCLE_SWEEPS: Sweep[] = [
  {
    name: 'renewal-reminders',
    description:
      'envoie le rappel de renouvellement avec son lien, quelques jours avant la fin de l’abonnement',
    intervalMs: 15 * MINUTE,
    run: (ctx) => sendRenewalReminders(ctx),
  },
  {
    name: 'expiries',
    description: 'passe à « Expiré » les abonnements arrivés à leur date de fin et prévient les usagers',
    intervalMs: 15 * MINUTE,
    run: (ctx) => expireSubscriptions(ctx),
  },
  {
    name: 'retention',
    description:
      'avertit puis anonymise les comptes expirés, refusés ou non confirmés au terme de la durée de conservation',
    intervalMs: 15 * MINUTE,
    run: (ctx) => applyRetention(ctx),
  },
];
