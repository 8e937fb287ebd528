import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { deleteOldThrottles } from '../db/repositories/login-throttles.js';
import { getNetwork } from '../db/repositories/network.js';
import { deleteExpiredSessions } from '../db/repositories/sessions.js';
import { deleteStaleTokens } from '../db/repositories/tokens.js';
import { type Clock, DAY, MINUTE } from '../domain/clock.js';
import { sendDueMail } from '../mail/sender.js';
import type { MailTransport } from '../mail/transport.js';
import { ESCALATION_SWEEPS } from './escalation-sweeps.js';
import { LIFECYCLE_SWEEPS } from './lifecycle-sweeps.js';
import { MESSAGE_SWEEPS } from './message-sweeps.js';
import { REGISTRATION_SWEEPS } from './registration-sweeps.js';
import { SSO_SWEEPS } from './sso-sweeps.js';
import { STATISTICS_SWEEPS } from './statistics-sweeps.js';

export interface SweepContext {
  db: Db;
  clock: Clock;
  config: Config;
  log: FastifyBaseLogger;
  /** Null without SMTP_URL: e-mails then stay in the outbox. */
  transport: MailTransport | null;
  /** Aborted when the run must stop: its lock's connection was lost. */
  signal?: AbortSignal;
}

/** A sweep does its due work and says how many rows it touched. Running it twice is harmless. */
export interface Sweep {
  name: string;
  description: string;
  intervalMs: number;
  run(ctx: SweepContext): Promise<Record<string, number>>;
}

export const SWEEPS: Sweep[] = [
  {
    name: 'outbox',
    description: 'envoie les courriels en attente (si SMTP_URL est défini)',
    intervalMs: 5_000,
    async run(ctx) {
      if (!ctx.transport) return { sent: 0, retried: 0, failed: 0 };
      return { ...(await sendDueMail(ctx, ctx.transport, undefined, ctx.signal)) };
    },
  },
  {
    name: 'purge-sessions',
    description: 'supprime les sessions expirées, les liens périmés et les compteurs de connexion anciens',
    intervalMs: 15 * MINUTE,
    async run(ctx) {
      const now = ctx.clock.now();
      const { settings } = await getNetwork(ctx.db);
      const sessions = await deleteExpiredSessions(
        ctx.db,
        new Date(now.getTime() - settings.sessionIdleMinutes * MINUTE),
        new Date(now.getTime() - settings.sessionAbsoluteHours * 60 * MINUTE),
      );
      // Used and expired links are kept a week for the "already used" page, then removed.
      const tokens = await deleteStaleTokens(ctx.db, new Date(now.getTime() - 7 * DAY));
      const throttles = await deleteOldThrottles(ctx.db, new Date(now.getTime() - DAY));
      return { sessions, tokens, throttles };
    },
  },
  ...REGISTRATION_SWEEPS,
  ...ESCALATION_SWEEPS,
  ...LIFECYCLE_SWEEPS,
  ...MESSAGE_SWEEPS,
  ...STATISTICS_SWEEPS,
  ...SSO_SWEEPS,
];
