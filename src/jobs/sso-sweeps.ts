import { deleteExpiredCasTickets } from '../db/repositories/cas.js';
import { purgeExpiredOidcPayloads } from '../db/repositories/oidc.js';
import { MINUTE } from '../domain/clock.js';
import type { Sweep } from './sweeps.js';

/**
 * What the single sign-on leaves behind once expired: oidc-provider's codes, tokens, sessions
 * and interactions (it never deletes them itself, its adapter only stops finding them), and CAS
 * tickets never validated (a login also clears them, but a quiet network may have none).
 */
export const SSO_SWEEPS: Sweep[] = [
  {
    name: 'purge-sso',
    description: 'supprime les codes et jetons OpenID Connect expirés et les tickets CAS périmés',
    intervalMs: 15 * MINUTE,
    async run(ctx) {
      const now = ctx.clock.now();
      const oidc = await purgeExpiredOidcPayloads(ctx.db, now);
      const cas = await deleteExpiredCasTickets(ctx.db, now);
      return { oidc, cas };
    },
  },
];
