import { TZDate } from '@date-fns/tz';

/** Every date shown to a person, and every "per month", is Paris wall time. */
export const PARIS = 'Europe/Paris';

const dateFmt = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, hour: '2-digit', minute: '2-digit' });

/** 23/11/2026 */
export function formatDate(at: Date): string {
  return dateFmt.format(at);
}

/** 23/11/2026 à 10:05 */
export function formatDateTime(at: Date): string {
  return `${dateFmt.format(at)} à ${timeFmt.format(at)}`;
}

/** Paris calendar day of an instant, as numbers. */
export function parisDay(at: Date): { year: number; month: number; day: number } {
  const z = new TZDate(at.getTime(), PARIS);
  return { year: z.getFullYear(), month: z.getMonth() + 1, day: z.getDate() };
}

/**
 * Reads JJ/MM/AAAA (also J/M/AAAA and AAAA-MM-JJ) into a calendar date, or null if the
 * text is not a real date (31/02 is refused).
 */
export function parseFrenchDate(text: string): { year: number; month: number; day: number } | null {
  const t = text.trim();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  let day: number;
  let month: number;
  let year: number;
  if (m) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  } else {
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
    if (!m) return null;
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  }
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return { year, month, day };
}

/** ISO form (AAAA-MM-JJ) of a calendar date, for DATE columns. */
export function isoDate(d: { year: number; month: number; day: number }): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}
