import type { LightMyRequestResponse } from 'fastify';
import type { ActorName } from './actors.js';
import type { Access } from './classify.js';
import type { Side } from './world.js';

export interface Expectation {
  /** The request must be turned away: nothing may be written. */
  refused: boolean;
  /** Why the answer is wrong, or null when it is right. */
  check(res: LightMyRequestResponse): string | null;
}

const toLogin = (res: LightMyRequestResponse) =>
  res.statusCode === 303 && String(res.headers.location ?? '').startsWith('/connexion')
    ? null
    : `expected 303 to /connexion, got ${res.statusCode} ${res.headers.location ?? ''}`;
const status =
  (...allowed: number[]) =>
  (res: LightMyRequestResponse) =>
    allowed.includes(res.statusCode) ? null : `expected ${allowed.join(' or ')}, got ${res.statusCode}`;
const ok = (method: 'GET' | 'POST') => (res: LightMyRequestResponse) => {
  if (res.statusCode >= 500) return `server error ${res.statusCode}`;
  if (!toLogin(res)) return 'sent to the login page although logged in';
  if ([401, 403, 404].includes(res.statusCode)) return `refused (${res.statusCode}) to the right actor`;
  if (method === 'GET' && res.statusCode >= 400) return `GET answered ${res.statusCode}`;
  return null;
};
const anyAnswer = (res: LightMyRequestResponse) =>
  res.statusCode >= 500 ? `server error ${res.statusCode}` : null;

/** The status expected for one actor on one route, on objects of library A or B. */
export function expectationFor(
  access: Access,
  method: 'GET' | 'POST',
  actor: ActorName,
  side: Side,
  ownsObject: boolean,
): Expectation {
  const isStaff = actor.startsWith('staff:') || actor === 'admin';
  const isPatron = actor.startsWith('patron:');
  switch (access) {
    case 'ops':
      return { refused: false, check: anyAnswer };
    case 'public':
      return {
        refused: false,
        check: actor === 'visitor' && method === 'GET' ? status(200, 303) : anyAnswer,
      };
    case 'token':
      // A made-up token: an answer for everyone, never a write.
      return { refused: true, check: anyAnswer };
    case 'quota':
      return actor === 'patron:active' || actor === 'patron:renewal_pending'
        ? { refused: false, check: status(303) }
        : { refused: true, check: status(303, 403) };
    case 'patron':
      if (actor === 'visitor') return { refused: true, check: toLogin };
      if (isStaff) return { refused: true, check: status(403) };
      return ownsObject ? { refused: false, check: ok(method) } : { refused: true, check: status(404) };
    case 'staff':
    case 'staffObject':
    case 'admin': {
      if (actor === 'visitor') return { refused: true, check: toLogin };
      if (isPatron) return { refused: true, check: status(403) };
      if (access === 'admin' && actor !== 'admin') return { refused: true, check: status(403) };
      if (access === 'staffObject' && actor !== 'admin' && actor !== `staff:${side}`)
        return { refused: true, check: status(403, 404) };
      return { refused: false, check: ok(method) };
    }
  }
}
