import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../db/client.js';
import {
  consumeOidcPayload,
  destroyOidcPayload,
  findActiveOidcClient,
  findOidcPayload,
  type OidcClientRow,
  revokeOidcGrant,
  upsertOidcPayload,
} from '../../db/repositories/oidc.js';

/**
 * oidc-provider's storage in Sésame's database (PGlite or PostgreSQL): one row per model
 * instance in oidc_payloads, expiring when the provider says. Clients are not stored there:
 * they are the ones network administrators registered per resource (oidc_clients).
 * Expiry times are the provider's own (it stamps tokens with the real time).
 */
export function drizzleAdapter(db: Db) {
  return class DrizzleAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await upsertOidcPayload(db, {
        model: this.model,
        id,
        payload: payload as Record<string, unknown>,
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const client = await findActiveOidcClient(db, id);
        return client ? (clientMetadata(client) as AdapterPayload) : undefined;
      }
      return this.found(await findOidcPayload(db, this.model, { id }, new Date()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.found(await findOidcPayload(db, this.model, { uid }, new Date()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.found(await findOidcPayload(db, this.model, { userCode }, new Date()));
    }

    private found(
      row: { payload: Record<string, unknown>; consumedAt: Date | null } | null,
    ): AdapterPayload | undefined {
      if (!row) return undefined;
      return {
        ...(row.payload as AdapterPayload),
        ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}),
      };
    }

    async consume(id: string): Promise<void> {
      await consumeOidcPayload(db, this.model, id, new Date());
    }

    async destroy(id: string): Promise<void> {
      await destroyOidcPayload(db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await revokeOidcGrant(db, grantId);
    }
  };
}

/** A registered client as oidc-provider reads it; its secret is the SHA-256 of the real one. */
export function clientMetadata(client: OidcClientRow) {
  return {
    client_id: client.clientId,
    client_secret: client.secretHash,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    subject_type: 'pairwise',
    sesame_resource_id: client.resourceId,
    sesame_claims: client.claims,
  };
}
