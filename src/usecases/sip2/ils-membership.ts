import { askIls, type IlsAnswer } from '../../connectors/sip2/client.js';
import { findLibraryIls } from '../../db/repositories/sip2.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import type { Deps } from '../deps.js';

/** What the library's own system said about a card, as the decision panel shows it. */
export type IlsCheck =
  | { status: 'active'; until: string | null }
  | { status: 'inactive'; until: string | null }
  | { status: 'unknown' }
  | { status: 'no_card' }
  | { status: 'error'; reason: 'timeout' | 'unreachable' | 'login' | 'garbage' };

/**
 * Asks the library's ILS (when it has one) about a card: null when the library has none set.
 * Never throws for the ILS's sake, and never waits more than the timeout (3 s by default).
 */
export async function askLibraryIls(
  deps: Pick<Deps, 'db' | 'clock'>,
  libraryId: string,
  cardNumber: string | null,
  options: { timeoutMs?: number } = {},
): Promise<{ check: IlsCheck; answer: IlsAnswer | null } | null> {
  const ils = await findLibraryIls(deps.db, libraryId);
  if (!ils) return null;
  const card = cardNumber?.trim() ?? '';
  if (!card) return { check: { status: 'no_card' }, answer: null };
  const now = deps.clock.now();
  const answer = await askIls(ils, card, {
    now,
    today: isoDate(parisDay(now)),
    timeoutMs: options.timeoutMs,
  });
  if (answer.status === 'error') return { check: { status: 'error', reason: answer.reason }, answer };
  if (answer.status === 'unknown') return { check: { status: 'unknown' }, answer };
  return { check: { status: answer.active ? 'active' : 'inactive', until: answer.expires }, answer };
}
