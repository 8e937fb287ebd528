import type { Network } from '../db/repositories/network.js';
import type { StaffActor } from '../domain/actor.js';

declare module 'fastify' {
  interface FastifyRequest {
    network: Network;
    actor: StaffActor | null;
    /** The session ended by timeout: the login page says so. */
    sessionExpired: boolean;
  }
}
