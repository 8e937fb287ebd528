import { bigserial, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { resources } from './schema-resources.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * An OpenID Connect client (a provider's application) registered by a network administrator
 * for one resource: its redirect URIs, the claims it may receive, and the SHA-256 of its
 * secret (the secret itself is shown once, at creation).
 */
export const oidcClients = pgTable(
  'oidc_clients',
  {
    clientId: text('client_id').primaryKey(),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
    claims: jsonb('claims').$type<string[]>().notNull().default([]),
    createdAt: ts('created_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('oidc_clients_resource_idx').on(t.resourceId)],
);

/**
 * oidc-provider's stored models (Session, Grant, AuthorizationCode, AccessToken, Interaction…),
 * one row per model instance, as its adapter contract describes them.
 */
export const oidcPayloads = pgTable(
  'oidc_payloads',
  {
    model: text('model').notNull(),
    id: text('id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    userCode: text('user_code'),
    uid: text('uid'),
    expiresAt: ts('expires_at'),
    consumedAt: ts('consumed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.id] }),
    index('oidc_payloads_grant_idx').on(t.grantId),
    index('oidc_payloads_uid_idx').on(t.uid),
    index('oidc_payloads_expires_idx').on(t.expiresAt),
  ],
);

/** The provider's signing keys (private JWKs); the newest signs, older ones still verify. */
export const oidcKeys = pgTable('oidc_keys', {
  kid: text('kid').primaryKey(),
  /** Creation order (the clock may give two keys the same instant). */
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  jwk: jsonb('jwk').$type<Record<string, unknown>>().notNull(),
  createdAt: ts('created_at').notNull(),
});
