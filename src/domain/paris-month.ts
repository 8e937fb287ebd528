import { TZDate } from '@date-fns/tz';
import { PARIS, parisDay } from './paris.js';
import type { CapPeriod } from './resources.js';

/**
 * Quotas renew each calendar month and caps each month or calendar year, in Paris wall time:
 * 23:30 on 31 October in Paris is still October, whatever the server's time zone.
 */

const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** "2026-11" for any instant of November 2026 in Paris. */
export function parisMonthKey(at: Date): string {
  const d = parisDay(at);
  return `${d.year}-${String(d.month).padStart(2, '0')}`;
}

/** The key of a cap's period: AAAA-MM for a monthly cap, AAAA for a yearly one. */
export function capPeriodKey(period: CapPeriod, at: Date): string {
  return period === 'month' ? parisMonthKey(at) : String(parisDay(at).year);
}

export function monthName(month: number): string {
  return MONTH_NAMES[month - 1] ?? '';
}

/** "novembre" for 2026-11; with the year when asked ("novembre 2026"). */
export function monthLabel(key: string, withYear = false): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return withYear ? `${monthName(m)} ${y}` : monthName(m);
}

/** The first day of the period after the one containing `at`, as a Paris calendar day. */
export function nextPeriodStart(period: CapPeriod, at: Date): { year: number; month: number; day: 1 } {
  const d = parisDay(at);
  if (period === 'year') return { year: d.year + 1, month: 1, day: 1 };
  return d.month === 12
    ? { year: d.year + 1, month: 1, day: 1 }
    : { year: d.year, month: d.month + 1, day: 1 };
}

/**
 * "le 1er décembre", or "le 1er janvier 2027" when the year changes (so the date can never be
 * read as the past January).
 */
export function frenchFirstOf(next: { year: number; month: number }, at: Date): string {
  const sameYear = parisDay(at).year === next.year;
  return `le 1er ${monthName(next.month)}${sameYear ? '' : ` ${next.year}`}`;
}

/** The first instant of a Paris calendar day (for a Retry-After header). */
export function parisMidnight(day: { year: number; month: number; day: number }): Date {
  return new Date(new TZDate(day.year, day.month - 1, day.day, 0, 0, 0, PARIS).getTime());
}
