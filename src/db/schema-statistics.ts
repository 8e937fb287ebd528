import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { patrons } from './schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * What statistics count, kept apart from the patrons so that it survives their anonymisation and
 * erasure (SPEC §2.8–9): no row here names or points to a person. Rows are written in the
 * transaction of the action they count, by the database itself (trigger on `events`, and the
 * openings function), so no use case can forget them.
 */

/**
 * One fact of a patron's life (registration requested, confirmed, lapsed; decision; overdue;
 * renewal; expiry; anonymisation; erasure) on a Paris day, for a library.
 */
export const statEvents = pgTable(
  'stat_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Paris calendar day of the fact. */
    day: date('day', { mode: 'string' }).notNull(),
    at: ts('at').notNull(),
    libraryId: uuid('library_id').notNull(),
    kind: text('kind').notNull(),
    /** Registration channel: self (online) or staff (at the library). */
    channel: text('channel'),
    /** Refusal reason (template key) of a refusal. */
    reason: text('reason'),
    /** Hours from the request's confirmation (or renewal request) to the decision. */
    delayHours: doublePrecision('delay_hours'),
    /** Decided by a network administrator in the library's place. */
    onBehalf: boolean('on_behalf').notNull().default(false),
    ageBand: text('age_band'),
    /** The history event counted: lets an undone decision take its fact back within minutes. */
    sourceEventId: bigint('source_event_id', { mode: 'number' }),
  },
  (t) => [
    index('stat_events_day_idx').on(t.day, t.libraryId),
    index('stat_events_kind_idx').on(t.kind, t.day),
    index('stat_events_source_idx').on(t.sourceEventId),
  ],
);

/**
 * Openings per Paris month × library × resource × outcome × age band: a year of the whole
 * network is a few thousand rows, whatever the number of openings. Outcomes: counted (used a
 * quota unit or the cap), again (same document again this month), free (never counts: Ressources
 * libres, Accès libre, a provider's home page), quota and cap (refused, limit reached), reached
 * (the opening that used the patron's last unit of the month).
 */
export const statConsultations = pgTable(
  'stat_consultations',
  {
    /** Paris month, AAAA-MM. */
    month: text('month').notNull(),
    libraryId: uuid('library_id'),
    resourceId: uuid('resource_id').notNull(),
    kind: text('kind').notNull(),
    category: text('category'),
    outcome: text('outcome').notNull(),
    ageBand: text('age_band').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    unique('stat_consultations_key')
      .on(t.month, t.libraryId, t.resourceId, t.category, t.outcome, t.ageBand)
      .nullsNotDistinct(),
    index('stat_consultations_library_idx').on(t.libraryId, t.month),
  ],
);

/** Patrons of a library who used exactly `used` (≥ 1) units of a category in a Paris month. */
export const statQuotaUse = pgTable(
  'stat_quota_use',
  {
    month: text('month').notNull(),
    libraryId: uuid('library_id').notNull(),
    category: text('category').notNull(),
    used: integer('used').notNull(),
    patrons: integer('patrons').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.libraryId, t.category, t.used] })],
);

/**
 * Openings refused for a reached quota, by the quota then in force and the rank of the refused
 * document among the distinct documents refused to the same patron that month: with a quota of
 * N + k, the refusals of rank ≤ k would not have happened.
 */
export const statQuotaRefusals = pgTable(
  'stat_quota_refusals',
  {
    month: text('month').notNull(),
    libraryId: uuid('library_id').notNull(),
    category: text('category').notNull(),
    quotaLimit: integer('quota_limit').notNull(),
    rank: integer('rank').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.libraryId, t.category, t.quotaLimit, t.rank] })],
);

/**
 * Working memory for the rank above: the documents refused to a patron this month. It names a
 * patron, so it goes with them (cascade); the counts it fed stay.
 */
export const quotaRefusedDocuments = pgTable(
  'quota_refused_documents',
  {
    patronId: uuid('patron_id')
      .notNull()
      .references(() => patrons.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    month: text('month').notNull(),
    document: text('document').notNull(),
    rank: integer('rank').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patronId, t.category, t.month, t.document] })],
);

/**
 * Active patrons (active or renewal pending) per library and age band, as last seen in a Paris
 * month by the statistics sweep: the figure of a closed month is its last snapshot.
 */
export const statActivePatrons = pgTable(
  'stat_active_patrons',
  {
    month: text('month').notNull(),
    libraryId: uuid('library_id').notNull(),
    ageBand: text('age_band').notNull(),
    n: integer('n').notNull(),
    takenAt: ts('taken_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.libraryId, t.ageBand] })],
);

/*
 * Rollups of the rollups (issue #16, speed): the page reads only these small tables, kept by
 * statement triggers on the fact tables above in the same transaction (migration 0015), so a
 * page view never scans every fact of the period.
 */

/** The facts of stat_events counted per Paris month × library × kind × channel × reason × band. */
export const statEventMonths = pgTable(
  'stat_event_months',
  {
    month: text('month').notNull(),
    libraryId: uuid('library_id').notNull(),
    kind: text('kind').notNull(),
    channel: text('channel'),
    reason: text('reason'),
    ageBand: text('age_band'),
    onBehalf: boolean('on_behalf').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    unique('stat_event_months_key')
      .on(t.month, t.libraryId, t.kind, t.channel, t.reason, t.ageBand, t.onBehalf)
      .nullsNotDistinct(),
    index('stat_event_months_library_idx').on(t.libraryId, t.month),
  ],
);

/**
 * Decisions per Paris month × library × delay in tenths of a day, rounded (null: no known
 * start): the histogram the median and the 90th percentile are read from, to the precision the
 * page shows them (days, one decimal).
 */
export const statDelayMonths = pgTable(
  'stat_delay_months',
  {
    month: text('month').notNull(),
    libraryId: uuid('library_id').notNull(),
    tenths: integer('tenths'),
    n: integer('n').notNull(),
  },
  (t) => [
    unique('stat_delay_months_key').on(t.month, t.libraryId, t.tenths).nullsNotDistinct(),
    index('stat_delay_months_library_idx').on(t.libraryId, t.month),
  ],
);

/** stat_event_months without the library: the whole network's figures. */
export const statEventMonthsNetwork = pgTable(
  'stat_event_months_network',
  {
    month: text('month').notNull(),
    kind: text('kind').notNull(),
    channel: text('channel'),
    reason: text('reason'),
    ageBand: text('age_band'),
    onBehalf: boolean('on_behalf').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    unique('stat_event_months_network_key')
      .on(t.month, t.kind, t.channel, t.reason, t.ageBand, t.onBehalf)
      .nullsNotDistinct(),
  ],
);

/** stat_delay_months without the library: the network's median, beside every library's. */
export const statDelayMonthsNetwork = pgTable(
  'stat_delay_months_network',
  {
    month: text('month').notNull(),
    tenths: integer('tenths'),
    n: integer('n').notNull(),
  },
  (t) => [unique('stat_delay_months_network_key').on(t.month, t.tenths).nullsNotDistinct()],
);

/** stat_consultations without the library: the whole network's breakdowns. */
export const statConsultationsNetwork = pgTable(
  'stat_consultations_network',
  {
    month: text('month').notNull(),
    resourceId: uuid('resource_id').notNull(),
    kind: text('kind').notNull(),
    category: text('category'),
    outcome: text('outcome').notNull(),
    ageBand: text('age_band').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    unique('stat_consultations_network_key')
      .on(t.month, t.resourceId, t.category, t.outcome, t.ageBand)
      .nullsNotDistinct(),
  ],
);

/** stat_consultations per month × library × outcome only: the network's breakdown by library. */
export const statConsultationsLibraries = pgTable(
  'stat_consultations_libraries',
  {
    month: text('month').notNull(),
    libraryId: uuid('library_id'),
    outcome: text('outcome').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [unique('stat_consultations_libraries_key').on(t.month, t.libraryId, t.outcome).nullsNotDistinct()],
);

/**
 * Active patrons (active or renewal pending) now, per library and age band: kept by triggers on
 * patrons as they change, and counted again by the hourly statistics sweep (which also moves
 * those whose birthday changed their band).
 */
export const statActiveNow = pgTable(
  'stat_active_now',
  {
    libraryId: uuid('library_id').notNull(),
    ageBand: text('age_band').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.libraryId, t.ageBand] })],
);
