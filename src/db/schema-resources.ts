import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  AUDIENCES,
  CAP_PERIODS,
  CONNECTOR_KINDS,
  type ConnectorConfig,
  QUOTA_CATEGORIES,
  RESOURCE_KINDS,
  type ResourceDocument,
} from '../domain/resources.js';
import { libraries, patrons } from './schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type { ConnectorConfig, ResourceDocument };

/**
 * A digital resource of the network's catalog (SPEC §3): its kind decides who may open it, its
 * category which monthly quota it uses, its audience the minimum age, its connector how the
 * patron reaches the provider, and an optional network cap (licences bought per month or year).
 */
export const resources = pgTable(
  'resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    provider: text('provider').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: RESOURCE_KINDS }).notNull(),
    /** Quota category; only for kind = quota. */
    category: text('category', { enum: QUOTA_CATEGORIES }),
    audience: text('audience', { enum: AUDIENCES }).notNull().default('all'),
    /** Shown in the under-12 space. */
    underTwelve: boolean('under_twelve').notNull().default(false),
    /** Every library subscribes; otherwise resource_libraries lists those that do. */
    allLibraries: boolean('all_libraries').notNull().default(true),
    active: boolean('active').notNull().default(true),
    connector: text('connector', { enum: CONNECTOR_KINDS }).notNull(),
    connectorConfig: jsonb('connector_config').$type<ConnectorConfig>().notNull(),
    documents: jsonb('documents').$type<ResourceDocument[]>().notNull().default([]),
    capPeriod: text('cap_period', { enum: CAP_PERIODS }),
    capLimit: integer('cap_limit'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('resources_kind_idx').on(t.active, t.kind, t.category, t.name),
    check('resources_category_check', sql`(${t.kind} = 'quota') = (${t.category} is not null)`),
    check(
      'resources_cap_check',
      sql`(${t.capPeriod} is null and ${t.capLimit} is null) or (${t.capPeriod} is not null and ${t.capLimit} > 0)`,
    ),
  ],
);

export const resourceLibraries = pgTable(
  'resource_libraries',
  {
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    libraryId: uuid('library_id')
      .notNull()
      .references(() => libraries.id),
  },
  (t) => [
    primaryKey({ columns: [t.resourceId, t.libraryId] }),
    index('resource_libraries_library_idx').on(t.libraryId),
  ],
);

/** A staff decision for one patron and one resource; no row means the network's default. */
export const patronResourceRights = pgTable(
  'patron_resource_rights',
  {
    patronId: uuid('patron_id')
      .notNull()
      .references(() => patrons.id, { onDelete: 'cascade' }),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    withdrawn: boolean('withdrawn').notNull(),
    changedByStaffId: uuid('changed_by_staff_id'),
    changedByLabel: text('changed_by_label').notNull(),
    changedAt: ts('changed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patronId, t.resourceId] })],
);

/**
 * Every opening of a resource through Sésame. `counted` marks the first opening of a document
 * by a patron in a Paris calendar month: only that one uses the monthly quota (kind quota) and
 * the network cap; openings again the same month are recorded, not counted.
 */
export const consultations = pgTable(
  'consultations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Null for an anonymous visitor opening a free resource. */
    patronId: uuid('patron_id').references(() => patrons.id, { onDelete: 'set null' }),
    libraryId: uuid('library_id').references(() => libraries.id),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id),
    kind: text('kind', { enum: RESOURCE_KINDS }).notNull(),
    category: text('category', { enum: QUOTA_CATEGORIES }),
    document: text('document').notNull(),
    /** Paris month, AAAA-MM. */
    month: text('month').notNull(),
    counted: boolean('counted').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [
    // The guard against counting the same document twice, even from two parallel clicks.
    uniqueIndex('consultations_counted_key')
      .on(t.patronId, t.resourceId, t.document, t.month)
      .where(sql`${t.counted}`),
    index('consultations_patron_idx').on(t.patronId, t.at),
    index('consultations_resource_idx').on(t.resourceId, t.month),
  ],
);

/** Documents counted per patron, quota category and Paris month. */
export const quotaUsage = pgTable(
  'quota_usage',
  {
    patronId: uuid('patron_id')
      .notNull()
      .references(() => patrons.id, { onDelete: 'cascade' }),
    category: text('category', { enum: QUOTA_CATEGORIES }).notNull(),
    month: text('month').notNull(),
    used: integer('used').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patronId, t.category, t.month] })],
);

/**
 * Use of a capped resource per period (AAAA-MM or AAAA, Paris), with the instant each alert
 * left: an alert is claimed by a conditional update, so it goes once per period.
 */
export const capUsage = pgTable(
  'cap_usage',
  {
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    used: integer('used').notNull(),
    lowAlertAt: ts('low_alert_at'),
    highAlertAt: ts('high_alert_at'),
    fullAlertAt: ts('full_alert_at'),
  },
  (t) => [primaryKey({ columns: [t.resourceId, t.period] })],
);

/** Network alerts sent at most once per key (for instance "licence pool full on a given day"). */
export const networkAlerts = pgTable('network_alerts', {
  key: text('key').primaryKey(),
  sentAt: ts('sent_at').notNull(),
});
