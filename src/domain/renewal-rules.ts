import { TZDate } from '@date-fns/tz';
import { isoDate, PARIS, parisDay } from './paris.js';
import { addDays, frenchDay, type PatronState } from './patron-lifecycle.js';
import type { NetworkSettings } from './settings.js';

/**
 * Pure rules of the subscription's end (SPEC §2 transitions 6 to 8): when a patron may ask for
 * renewal, when a subscription has expired, and how long personal data is kept afterwards.
 * Every day is a Paris calendar day (AAAA-MM-JJ); an end date is the last day of access.
 */

/** Today in Paris, as AAAA-MM-JJ. */
export function parisToday(now: Date): string {
  return isoDate(parisDay(now));
}

/** The instant a Paris calendar day starts (23:00 or 22:00 UTC the day before). */
export function parisMidnight(isoDay: string): Date {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, PARIS).getTime());
}

/** First day the patron is reminded and may ask for renewal (N days before the end date). */
export function renewalWindowStart(activeUntil: string, settings: NetworkSettings): string {
  return addDays(activeUntil, -settings.renewalReminderDays);
}

/** A subscription is over the day after its end date. */
export function hasEnded(activeUntil: string | null, today: string): boolean {
  return activeUntil !== null && activeUntil < today;
}

export type RenewalEligibility =
  | { ok: true }
  | { ok: false; reason: 'already_requested' }
  | { ok: false; reason: 'not_due'; opensOn: string }
  | { ok: false; reason: 'not_renewable' }
  | { ok: false; reason: 'at_library' };

/**
 * Who may ask for renewal: an active patron within the reminder window, and an expired one
 * (SPEC §2 transition 7). A request already waiting is not made twice.
 */
export function renewalEligibility(
  patron: { state: PatronState; activeUntil: string | null },
  today: string,
  settings: NetworkSettings,
): RenewalEligibility {
  if (patron.state === 'renewal_pending') return { ok: false, reason: 'already_requested' };
  // MDO: "il devra revenir dans sa bibliothèque pour se réinscrire".
  if (!settings.onlineRenewal) return { ok: false, reason: 'at_library' };
  switch (patron.state) {
    case 'expired':
      return { ok: true };
    case 'active': {
      if (!patron.activeUntil) return { ok: false, reason: 'not_renewable' };
      const opensOn = renewalWindowStart(patron.activeUntil, settings);
      return today >= opensOn ? { ok: true } : { ok: false, reason: 'not_due', opensOn };
    }
    default:
      return { ok: false, reason: 'not_renewable' };
  }
}

/** Renewal without online requests (setting "onlineRenewal" off), in the MDO seed's terms. */
export const AT_LIBRARY =
  'Le renouvellement se fait à votre bibliothèque : à la fin de votre abonnement, rendez-vous à votre bibliothèque pour vous réinscrire ; elle renouvellera vos droits.';

/**
 * Where a patron of a network without online renewal goes (MDO seed: "il devra revenir dans sa
 * bibliothèque pour se réinscrire"), named when known.
 */
export function atLibrarySentence(libraryName?: string | null, networkName?: string): string {
  const where = libraryName ? `votre bibliothèque (${libraryName})` : 'votre bibliothèque';
  return `Le renouvellement se fait à ${where} : rendez-vous-y pour vous réinscrire ; elle renouvellera vos droits${networkName ? ` à ${networkName}` : ''}.`;
}

/** Why a renewal cannot be asked now, as the patron reads it. */
export function renewalRefusalMessage(e: Exclude<RenewalEligibility, { ok: true }>): string {
  switch (e.reason) {
    case 'already_requested':
      return 'Votre demande de renouvellement est déjà transmise à votre bibliothèque : vous recevrez un courriel dès sa décision.';
    case 'at_library':
      return AT_LIBRARY;
    case 'not_due':
      return `Votre abonnement est en cours : vous pourrez demander son renouvellement à partir du ${frenchDay(e.opensOn)}.`;
    default:
      return 'Votre compte ne peut pas être renouvelé : adressez-vous à votre bibliothèque.';
  }
}

/**
 * A refused renewal leaves the subscription to run to its end; if it has already ended (the
 * patron asked after expiry, or the library decided late), the account is expired again.
 */
export function stateAfterRefusedRenewal(activeUntil: string | null, now: Date): 'active' | 'expired' {
  return hasEnded(activeUntil, parisToday(now)) ? 'expired' : 'active';
}

/**
 * Personal data is kept `retentionDays` after the last day that justified it (the end date of
 * an expired subscription, the day of a refusal), then erased: the day of erasure.
 */
export function anonymisationDay(lastDay: string, settings: NetworkSettings): string {
  return addDays(lastDay, settings.retentionDays + 1);
}

/** The day the patron is warned that their data will be erased. */
export function retentionWarningDay(lastDay: string, settings: NetworkSettings): string {
  return addDays(anonymisationDay(lastDay, settings), -settings.retentionWarningDays);
}

/**
 * Latest last day whose retention has ended by `today` (records whose last day is on or before
 * it are erased today), and latest last day whose warning is due.
 */
export function retentionCutoffs(
  today: string,
  settings: NetworkSettings,
): { eraseUpTo: string; warnUpTo: string } {
  return {
    eraseUpTo: addDays(today, -(settings.retentionDays + 1)),
    warnUpTo: addDays(today, settings.retentionWarningDays - settings.retentionDays - 1),
  };
}

/**
 * A renewal link works until the data would be erased: an expired patron can still use the
 * link of their reminder, and nothing outlives the record it points to.
 */
export function renewalLinkExpiry(activeUntil: string, settings: NetworkSettings): Date {
  return parisMidnight(anonymisationDay(activeUntil, settings));
}
