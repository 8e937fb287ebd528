import { isoDate, parisDay, parseFrenchDate } from './paris.js';
import { monthLabel } from './paris-month.js';

/**
 * The period of the statistics page, read from the query string so that a view can be
 * bookmarked: the last 12 months (default), a month, a quarter, a year, or any range of days up
 * to 10 years. Pure: "today" is given.
 */

export const PERIOD_KINDS = ['12mois', 'mois', 'trimestre', 'annee', 'libre'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const PERIOD_LABELS: Record<PeriodKind, string> = {
  '12mois': 'Les 12 derniers mois',
  mois: 'Un mois',
  trimestre: 'Un trimestre',
  annee: 'Une année',
  libre: 'Des dates choisies',
};

/** What the form shows back (typed values kept as they were). */
export interface PeriodInput {
  periode: PeriodKind;
  mois: string;
  trimestre: string;
  annee: string;
  du: string;
  au: string;
}

export interface Period {
  /** First and last Paris days, inclusive, AAAA-MM-JJ. */
  from: string;
  to: string;
  /** Every month the period touches, AAAA-MM, in order. */
  months: string[];
  /** "du 01/12/2025 au 07/12/2026", "décembre 2026", … */
  label: string;
}

const MAX_YEARS = 10;
const FIRST_YEAR = 2000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${pad(m)}`);
    m++;
    if (m === 13) {
      m = 1;
      y++;
    }
  }
  return out;
}

function frenchIso(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim().slice(0, 40) : '';
}

/** A day typed as AAAA-MM-JJ (date field) or JJ/MM/AAAA (text field without the browser's picker). */
function parseDay(v: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = iso ? { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) } : parseFrenchDate(v);
  if (!d || d.month < 1 || d.month > 12 || d.day < 1 || d.day > lastDayOfMonth(d.year, d.month)) return null;
  if (d.year < FIRST_YEAR || d.year > 2100) return null;
  return isoDate(d);
}

function yearOf(v: string): number | null {
  if (!/^\d{4}$/.test(v)) return null;
  const y = Number(v);
  return y >= FIRST_YEAR && y <= 2100 ? y : null;
}

function period(from: string, to: string, label: string): Period {
  return { from, to, months: monthsBetween(from, to), label };
}

export function readPeriod(
  query: Record<string, unknown>,
  now: Date,
): { input: PeriodInput; period: Period | null; errors: Record<string, string> } {
  const today = parisDay(now);
  const todayIso = isoDate(today);
  const kind = PERIOD_KINDS.find((k) => k === query.periode) ?? '12mois';
  const input: PeriodInput = {
    periode: kind,
    mois: text(query.mois),
    trimestre: text(query.trimestre),
    annee: text(query.annee),
    du: text(query.du),
    au: text(query.au),
  };
  const errors: Record<string, string> = {};
  const fail = (field: keyof PeriodInput, message: string) => {
    errors[field] = message;
    return { input, period: null, errors };
  };

  switch (kind) {
    case '12mois': {
      const startMonth = today.month === 12 ? 1 : today.month + 1;
      const startYear = today.month === 12 ? today.year : today.year - 1;
      return {
        input,
        period: period(
          `${startYear}-${pad(startMonth)}-01`,
          todayIso,
          `les 12 derniers mois (du ${frenchIso(`${startYear}-${pad(startMonth)}-01`)} au ${frenchIso(todayIso)})`,
        ),
        errors,
      };
    }
    case 'mois': {
      const m = /^(\d{4})-(\d{2})$/.exec(input.mois);
      const y = m ? yearOf(m[1]!) : null;
      const mo = m ? Number(m[2]) : 0;
      if (!m || y === null || mo < 1 || mo > 12)
        return fail('mois', 'Choisissez un mois au format AAAA-MM, par exemple 2026-03.');
      const from = `${y}-${pad(mo)}-01`;
      if (from > todayIso)
        return fail('mois', 'Ce mois n’a pas encore commencé : choisissez un mois passé ou en cours.');
      return {
        input,
        period: period(
          from,
          `${y}-${pad(mo)}-${pad(lastDayOfMonth(y, mo))}`,
          monthLabel(`${y}-${pad(mo)}`, true),
        ),
        errors,
      };
    }
    case 'trimestre': {
      const m = /^(\d{4})-T([1-4])$/i.exec(input.trimestre);
      const y = m ? yearOf(m[1]!) : null;
      if (!m || y === null)
        return fail('trimestre', 'Choisissez un trimestre au format AAAA-T1 à AAAA-T4, par exemple 2026-T2.');
      const q = Number(m[2]);
      const first = (q - 1) * 3 + 1;
      const from = `${y}-${pad(first)}-01`;
      if (from > todayIso)
        return fail(
          'trimestre',
          'Ce trimestre n’a pas encore commencé : choisissez un trimestre passé ou en cours.',
        );
      return {
        input,
        period: period(
          from,
          `${y}-${pad(first + 2)}-${pad(lastDayOfMonth(y, first + 2))}`,
          `${q === 1 ? '1er' : `${q}e`} trimestre ${y}`,
        ),
        errors,
      };
    }
    case 'annee': {
      const y = yearOf(input.annee);
      if (y === null) return fail('annee', 'Saisissez une année sur 4 chiffres, par exemple 2026.');
      if (y > today.year)
        return fail(
          'annee',
          'Cette année n’a pas encore commencé : choisissez une année passée ou en cours.',
        );
      return { input, period: period(`${y}-01-01`, `${y}-12-31`, `l’année ${y}`), errors };
    }
    case 'libre': {
      const from = parseDay(input.du);
      const to = parseDay(input.au);
      if (!from) errors.du = 'Saisissez la date de début au format JJ/MM/AAAA.';
      if (!to) errors.au = 'Saisissez la date de fin au format JJ/MM/AAAA.';
      if (!from || !to) return { input, period: null, errors };
      if (to < from)
        return fail('au', 'La date de fin doit être le même jour que la date de début ou après.');
      if (from > todayIso)
        return fail('du', 'La date de début est dans le futur : aucune statistique n’existe encore.');
      const limit = `${Number(from.slice(0, 4)) + MAX_YEARS}${from.slice(4)}`;
      if (to >= limit) return fail('au', `La période ne peut pas dépasser ${MAX_YEARS} ans.`);
      return { input, period: period(from, to, `du ${frenchIso(from)} au ${frenchIso(to)}`), errors };
    }
  }
}

/** The query string of a period (links keep it). */
export function periodQuery(input: PeriodInput): Record<string, string> {
  const q: Record<string, string> = { periode: input.periode };
  if (input.periode === 'mois') q.mois = input.mois;
  if (input.periode === 'trimestre') q.trimestre = input.trimestre;
  if (input.periode === 'annee') q.annee = input.annee;
  if (input.periode === 'libre') {
    q.du = input.du;
    q.au = input.au;
  }
  return q;
}

export const AGE_BANDS = ['under12', '12-15', '16-17', '18-25', '26-64', '65+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const AGE_BAND_LABELS: Record<AgeBand, string> = {
  under12: 'Moins de 12 ans',
  '12-15': '12 à 15 ans',
  '16-17': '16 et 17 ans',
  '18-25': '18 à 25 ans',
  '26-64': '26 à 64 ans',
  '65+': '65 ans et plus',
  unknown: 'Âge inconnu',
};
