import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CasAttribute } from '../connectors/cas/protocol.js';
import { patrons } from './schema.js';
import { resources } from './schema-resources.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The CAS service registry: one entry per resource, set by network administrators. Only a
 * `service` URL starting with `servicePrefix` gets a ticket; the attributes listed are released
 * on validation, the pseudonymous id always (as `user`, under the entry's own secret).
 */
export const casServices = pgTable('cas_services', {
  resourceId: uuid('resource_id')
    .primaryKey()
    .references(() => resources.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull(),
  /** A normalised absolute URL (https, or http on a test host): the service must start with it. */
  servicePrefix: text('service_prefix').notNull(),
  attributes: jsonb('attributes').$type<CasAttribute[]>().notNull().default([]),
  /** Seconds a ticket stays valid for this service; null: the network setting. */
  ticketSeconds: integer('ticket_seconds'),
  /** HMAC key of the pseudonymous `user`, made at creation, never shown. */
  pseudonymSecret: text('pseudonym_secret').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * Service tickets, by their sha256 only: a copy of the database hands out no live ticket.
 * A validation deletes the row it reads (single use, whatever the answer).
 */
export const casTickets = pgTable(
  'cas_tickets',
  {
    hash: text('hash').primaryKey(),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    patronId: uuid('patron_id')
      .notNull()
      .references(() => patrons.id, { onDelete: 'cascade' }),
    /** The exact service URL given to /cas/login: validation must present the same. */
    service: text('service').notNull(),
    /** Issued right after the patron typed their password (renew), not from an earlier session. */
    fromNewLogin: boolean('from_new_login').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('cas_tickets_expires_idx').on(t.expiresAt)],
);
