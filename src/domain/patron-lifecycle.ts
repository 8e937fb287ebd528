import { DAY } from './clock.js';
import { isoDate, parisDay } from './paris.js';
import type { NetworkSettings } from './settings.js';

/** The patron account's state machine (SPEC §2), shared by self- and staff registration. */
export type PatronState =
  | 'awaiting_confirmation'
  | 'pending'
  | 'active'
  | 'renewal_pending'
  | 'refused'
  | 'expired'
  | 'lapsed';

/** The states whose patrons may log in (SPEC §2): temporary, active, renewal and expired accounts. */
export const PORTAL_STATES = [
  'pending',
  'active',
  'renewal_pending',
  'expired',
] as const satisfies readonly PatronState[];

export function patronMayLogIn(state: PatronState): boolean {
  return (PORTAL_STATES as readonly PatronState[]).includes(state);
}

export const STATE_LABELS: Record<PatronState, string> = {
  awaiting_confirmation: 'En attente de confirmation',
  pending: 'À valider',
  active: 'Actif',
  renewal_pending: 'Réinscription à valider',
  refused: 'Refusé',
  expired: 'Expiré',
  lapsed: 'Demande expirée',
};

/** DSFR badge classes giving the SPEC's colours; the label is always shown in text too. */
export const STATE_BADGES: Record<PatronState, string> = {
  awaiting_confirmation: 'fr-badge--grey-light sesame-badge--grey',
  pending: 'sesame-badge--yellow',
  active: 'fr-badge--success',
  renewal_pending: 'sesame-badge--orange',
  refused: 'fr-badge--error',
  expired: 'sesame-badge--dark-grey',
  lapsed: 'sesame-badge--light',
};

/** States waiting for a decision by the home library. */
export const AWAITING_DECISION: readonly PatronState[] = ['pending', 'renewal_pending'];

export function isAwaitingDecision(state: PatronState): boolean {
  return AWAITING_DECISION.includes(state);
}

/** Last instant to confirm the e-mail address. */
export function confirmationDeadline(registeredAt: Date, settings: NetworkSettings): Date {
  return new Date(registeredAt.getTime() + settings.confirmationDays * DAY);
}

/** When the confirmation reminder is due (N days before the deadline). */
export function confirmationReminderAt(registeredAt: Date, settings: NetworkSettings): Date {
  return new Date(
    confirmationDeadline(registeredAt, settings).getTime() - settings.confirmationReminderDays * DAY,
  );
}

/** End of the temporary account (Paris date) for a request waiting since `pendingSince`. */
export function temporaryAccountEnd(pendingSince: Date, settings: NetworkSettings): string {
  return isoDate(parisDay(new Date(pendingSince.getTime() + settings.temporaryAccountDays * DAY)));
}

/** Overdue: undecided for more than `escalationDays` full days. */
export function isOverdue(pendingSince: Date | null, now: Date, settings: NetworkSettings): boolean {
  return pendingSince !== null && now.getTime() - pendingSince.getTime() >= settings.escalationDays * DAY;
}

/** Whole days a request has waited (0 on its first day). */
export function daysWaiting(since: Date | null, now: Date): number {
  if (!since) return 0;
  return Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY));
}

/** Adds calendar days to an AAAA-MM-JJ date. */
export function addDays(isoDay: string, days: number): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return isoDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}

/**
 * Last day of a new subscription: from the decision day (NuMos) or the registration day
 * (MDO), plus `membershipDays` (365 → same date next year minus one day, inclusive).
 */
export function subscriptionEnd(decidedAt: Date, registeredAt: Date, settings: NetworkSettings): string {
  const anchor = settings.membershipAnchor === 'registration' ? registeredAt : decidedAt;
  return addDays(isoDate(parisDay(anchor)), settings.membershipDays - 1);
}

/** Age in whole years on a Paris calendar day; the birthday itself counts. */
export function ageOn(birthDate: string, today: { year: number; month: number; day: number }): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.year - y;
  if (today.month < m || (today.month === m && today.day < d)) age--;
  return age;
}

/** "2026-11-23" → "23/11/2026". */
export function frenchDay(isoDay: string): string {
  const [y, m, d] = isoDay.split('-');
  return `${d}/${m}/${y}`;
}
