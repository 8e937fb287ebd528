import type { FastifyReply, FastifyRequest } from 'fastify';
import { TRUSTED_DEVICE_LIMIT } from '../usecases/auth/log-in.js';

/**
 * The accounts this browser logged in to (OWASP "device cookies"): signed with the network's
 * cookie secret, so it cannot be forged, and only ever read by the login, where it lets those
 * accounts past the limit of an address others are failing from. It opens nothing by itself:
 * the password is still checked and the account's own lock still applies.
 */
export const DEVICE_COOKIE = 'sesame_appareil';
const ONE_YEAR_S = 365 * 24 * 3600;

export function trustedAccounts(request: FastifyRequest): string[] {
  const raw = request.cookies[DEVICE_COOKIE];
  if (!raw) return [];
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value.split(',').slice(0, TRUSTED_DEVICE_LIMIT) : [];
}

/** Remembers the account just logged in to, first, keeping the most recent others. */
export function rememberDevice(
  request: FastifyRequest,
  reply: FastifyReply,
  accountKey: string,
  secure: boolean,
): void {
  const keys = [accountKey, ...trustedAccounts(request).filter((k) => k !== accountKey)];
  reply.setCookie(DEVICE_COOKIE, keys.slice(0, TRUSTED_DEVICE_LIMIT).join(','), {
    path: '/connexion',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
    maxAge: ONE_YEAR_S,
  });
}
