import type { Network } from '../db/repositories/network.js';
import type { PatronActor, StaffActor } from '../domain/actor.js';

declare module 'fastify' {
  interface FastifyRequest {
    network: Network;
    actor: StaffActor | null;
    /** A patron logged in to the portal; never set together with actor. */
    patron: PatronActor | null;
    /** The session ended by timeout: the login page says so. */
    sessionExpired: boolean;
    /** The CSRF token read from a multipart body's first field (see verifyMultipartCsrf). */
    multipartCsrf: string | null;
    /** Staff only: unread threads in their "Messages" inbox (menu badge); null otherwise. */
    unreadMessages: number | null;
  }
  interface FastifyContextConfig {
    /** This route reads a multipart body and checks its CSRF token itself, before any file. */
    csrfInMultipart?: boolean;
    /**
     * An OpenID Connect protocol endpoint (token, userinfo…), called by a provider's server or
     * sent by the patron's browser from the provider's site: no form of ours, so no CSRF token.
     */
    oidcProtocol?: boolean;
  }
}
