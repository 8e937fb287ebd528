import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
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

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One row: this deployment's network (Sésame serves one network per database). */
export const network = pgTable('network', {
  id: integer('id').primaryKey().default(1),
  name: text('name').notNull(),
  profile: text('profile').notNull(),
  /** Address receiving copies of requests and the overdue digest. */
  email: text('email').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  /** Random key for signing cookies and CSRF secrets, shared by every instance. */
  cookieSecret: text('cookie_secret').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const libraries = pgTable(
  'libraries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    town: text('town').notNull(),
    email: text('email').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('libraries_code_key').on(t.code), index('libraries_name_idx').on(t.name)],
);

export const staff = pgTable(
  'staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    identifier: text('identifier').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['library_staff', 'network_admin'] }).notNull(),
    /** Null until the person sets a password through their e-mailed link. */
    passwordHash: text('password_hash'),
    disabledAt: ts('disabled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    passwordChangedAt: ts('password_changed_at'),
  },
  (t) => [
    uniqueIndex('staff_identifier_key').on(sql`lower(${t.identifier})`),
    index('staff_email_idx').on(sql`lower(${t.email})`),
  ],
);

export const staffLibraries = pgTable(
  'staff_libraries',
  {
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    libraryId: uuid('library_id')
      .notNull()
      .references(() => libraries.id),
  },
  (t) => [
    primaryKey({ columns: [t.staffId, t.libraryId] }),
    index('staff_libraries_library_idx').on(t.libraryId),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie value: a stolen database does not hand out live sessions. */
    idHash: text('id_hash').primaryKey(),
    principalKind: text('principal_kind', { enum: ['staff', 'patron'] }).notNull(),
    principalId: uuid('principal_id').notNull(),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_principal_idx').on(t.principalKind, t.principalId)],
);

export const tokens = pgTable(
  'tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hash: text('hash').notNull(),
    purpose: text('purpose', {
      enum: ['set_password', 'reset_password', 'confirm_email', 'renewal', 'change_email'],
    }).notNull(),
    principalKind: text('principal_kind', { enum: ['staff', 'patron'] }).notNull(),
    principalId: uuid('principal_id').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    uniqueIndex('tokens_hash_key').on(t.hash),
    index('tokens_principal_idx').on(t.principalKind, t.principalId),
  ],
);

/** Who did what, when, to whom and on whose behalf. Append-only. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    actorKind: text('actor_kind', { enum: ['staff', 'patron', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    subjectKind: text('subject_kind').notNull(),
    subjectId: text('subject_id').notNull(),
    onBehalfOfLibraryId: uuid('on_behalf_of_library_id').references(() => libraries.id),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('events_subject_idx').on(t.subjectKind, t.subjectId, t.at)],
);

/** Transactional outbox: written with the change that causes the e-mail, sent later with retries. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    template: text('template').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'cancelled'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Not sent before this instant: retries back off, and undoable decisions hold their mail. */
    notBefore: ts('not_before').notNull(),
    /** A claim by a sender; a crashed sender's claim lapses and the row is picked up again. */
    claimedUntil: ts('claimed_until'),
    lastError: text('last_error'),
    /** The patron the e-mail is about, for "Mes messages" and for anonymisation. */
    patronId: uuid('patron_id'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    index('outbox_due_idx').on(t.notBefore).where(sql`status in ('pending', 'sending')`),
    index('outbox_created_idx').on(t.createdAt),
    index('outbox_patron_idx').on(t.patronId),
  ],
);

/** Failed-login counters shared by every instance: per account and per IP address. */
export const loginThrottles = pgTable('login_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: ts('window_started_at').notNull(),
  lockedUntil: ts('locked_until'),
});

export const PATRON_STATES = [
  'awaiting_confirmation',
  'pending',
  'active',
  'renewal_pending',
  'refused',
  'expired',
  'lapsed',
] as const;

/**
 * A patron of the digital library, whatever their state. Personal fields become null when the
 * record is anonymised (lapse, retention, erasure); library, dates, birth year and state stay
 * for statistics.
 */
export const patrons = pgTable(
  'patrons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    libraryId: uuid('library_id')
      .notNull()
      .references(() => libraries.id),
    state: text('state', { enum: PATRON_STATES }).notNull(),
    channel: text('channel', { enum: ['self', 'staff'] }).notNull(),
    lastName: text('last_name'),
    firstName: text('first_name'),
    /** AAAA-MM-JJ; null once anonymised (the year stays in birthYear). */
    birthDate: date('birth_date', { mode: 'string' }),
    birthYear: integer('birth_year').notNull(),
    email: text('email'),
    identifier: text('identifier'),
    passwordHash: text('password_hash'),
    newsletter: boolean('newsletter').notNull().default(false),
    cardNumber: text('card_number'),
    registeredAt: ts('registered_at').notNull(),
    emailConfirmedAt: ts('email_confirmed_at'),
    confirmationRemindedAt: ts('confirmation_reminded_at'),
    /** When the current request (registration or renewal) started waiting for the library. */
    pendingSince: ts('pending_since'),
    /** Last day of the subscription (Paris calendar date, inclusive). */
    activeUntil: date('active_until', { mode: 'string' }),
    decision: text('decision', { enum: ['accepted', 'refused'] }),
    decidedAt: ts('decided_at'),
    decidedByStaffId: uuid('decided_by_staff_id'),
    decidedByLabel: text('decided_by_label'),
    /** A network administrator decided in the library's place. */
    decidedOnBehalf: boolean('decided_on_behalf').notNull().default(false),
    refusalReason: text('refusal_reason'),
    /** Until then the decision can be undone, and its e-mail is held in the outbox. */
    undoUntil: ts('undo_until'),
    undoSnapshot: jsonb('undo_snapshot').$type<Record<string, unknown>>(),
    undoMailId: bigint('undo_mail_id', { mode: 'number' }),
    overdueNotifiedAt: ts('overdue_notified_at'),
    /** The renewal reminder for the current end date was sent (reset when the end date moves). */
    renewalRemindedAt: ts('renewal_reminded_at'),
    /** The patron was warned that their data will be anonymised. */
    retentionWarnedAt: ts('retention_warned_at'),
    /** A new address waiting for its confirmation link to be followed. */
    pendingEmail: text('pending_email'),
    lastWarnedAt: ts('last_warned_at'),
    anonymisedAt: ts('anonymised_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('patrons_identifier_key').on(sql`lower(${t.identifier})`),
    // One unconfirmed online request per address: two forms sent at once with one address cannot
    // both create a request (the second is answered as a repeat, see register-patron).
    uniqueIndex('patrons_unconfirmed_self_email_key')
      .on(sql`lower(${t.email})`)
      .where(sql`state = 'awaiting_confirmation' and channel = 'self'`),
    index('patrons_email_idx').on(sql`lower(${t.email})`),
    index('patrons_queue_idx').on(t.libraryId, t.state, t.pendingSince),
    index('patrons_state_idx').on(t.state, t.pendingSince),
    index('patrons_registered_idx').on(t.libraryId, t.registeredAt),
    // The staff list sorts by these with LIMIT 50; the state, when filtered, is checked on the way.
    index('patrons_registered_at_idx').on(t.registeredAt, t.id),
    index('patrons_active_until_idx').on(t.activeUntil, t.id),
    index('patrons_library_active_until_idx').on(t.libraryId, t.activeUntil, t.id),
    // The lifecycle sweeps (reminders, expiries, retention) look for live records by state and end
    // date; anonymised ones, which pile up year after year, stay out of it.
    index('patrons_lifecycle_idx').on(t.state, t.activeUntil).where(sql`anonymised_at is null`),
    index('patrons_name_idx').on(sql`sesame_fold(${t.lastName})`, sql`sesame_fold(${t.firstName})`, t.id),
    index('patrons_library_name_idx').on(
      t.libraryId,
      sql`sesame_fold(${t.lastName})`,
      sql`sesame_fold(${t.firstName})`,
      t.id,
    ),
    index('patrons_search_idx').using(
      'gin',
      sql`sesame_fold(coalesce(${t.lastName}, '') || ' ' || coalesce(${t.firstName}, '') || ' ' || coalesce(${t.identifier}, '') || ' ' || coalesce(${t.email}, '') || ' ' || coalesce(${t.cardNumber}, '')) gin_trgm_ops`,
    ),
  ],
);

/** Network-edited wording of the e-mails sent on decisions; missing keys use the built-in text. */
export const responseTemplates = pgTable('response_templates', {
  key: text('key').primaryKey(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

export * from './schema-cas.js';
export * from './schema-content.js';
export * from './schema-messages.js';
export * from './schema-oidc.js';
export * from './schema-resources.js';
export * from './schema-sip2.js';
export * from './schema-statistics.js';
