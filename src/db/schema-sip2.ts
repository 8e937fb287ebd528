import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { libraries } from './schema.js';
import { resources } from './schema-resources.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A provider's account on Sésame's SIP2 server (93 login): one per provider, managed by the
 * network's administrators. The password is shown once and kept as an argon2id hash; the
 * optional allowlist holds the addresses the provider connects from; the linked resource is
 * the one whose rules (library subscription, withdrawals, kind, age) decide the patron's flags.
 */
export const sip2Accounts = pgTable(
  'sip2_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    login: text('login').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Addresses (exact IPv4/IPv6) allowed to log in; empty: any address. */
    allowedIps: text('allowed_ips').array().notNull().default(sql`'{}'::text[]`),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    /** Institution id (AO) sent in answers. */
    institution: text('institution').notNull().default('SESAME'),
    createdAt: ts('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('sip2_accounts_login_key').on(sql`lower(${t.login})`)],
);

/**
 * A library's own system (ILS), asked over SIP2 whether a card belongs to an active member
 * (check ① of a decision). The SIP password is the one the ILS gave Sésame: it has to be sent
 * as is, so it is stored as is, and never shown again.
 */
export const libraryIls = pgTable('library_ils', {
  libraryId: uuid('library_id')
    .primaryKey()
    .references(() => libraries.id, { onDelete: 'cascade' }),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  tls: boolean('tls').notNull().default(false),
  login: text('login').notNull().default(''),
  password: text('password').notNull().default(''),
  /** Location code (CP) of the 93 login and institution id (AO) of requests. */
  location: text('location').notNull().default(''),
  updatedAt: ts('updated_at').notNull(),
});
