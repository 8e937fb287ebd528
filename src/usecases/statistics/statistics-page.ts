import { isUuid, type Library, listLibraries } from '../../db/repositories/libraries.js';
import {
  activeNow,
  activeSnapshots,
  capUse,
  consultationCounts,
  type DelayRow,
  decisionDelaysByLibrary,
  eventCountsByMonth,
  type LibraryFilter,
  networkDecisionDelay,
  newPatronsByAgeBand,
  overdueByLibrary,
  quotaRefusals,
  quotaUse,
  splitRange,
} from '../../db/repositories/statistics.js';
import type { StaffActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import { monthLabel, parisMonthKey } from '../../domain/paris-month.js';
import { CATEGORY_LABELS, QUOTA_CATEGORIES, type QuotaCategory, quotaLimit } from '../../domain/resources.js';
import { DEFAULT_TEMPLATES as TEMPLATES } from '../../domain/response-templates.js';
import type { NetworkSettings } from '../../domain/settings.js';
import {
  AGE_BAND_LABELS,
  AGE_BANDS,
  type Period,
  type PeriodInput,
  readPeriod,
} from '../../domain/statistics-period.js';
import type { Deps } from '../deps.js';

/**
 * "Statistiques" (issue #16): every figure of the page for a scope (the whole network, one
 * library, or libraries compared; library staff: their own only) and a period. Each table is
 * the accessible alternative of its chart and what its CSV/.xlsx download holds.
 */

/** How a column's numbers are shown: counts, days (one decimal), percentages, or text. */
export type CellFormat = 'text' | 'int' | 'days' | 'percent';
/** A number, a text, or null: a figure that cannot be computed (shown as such, never as 0). */
export type Cell = string | number | null;

export interface StatTable {
  id: string;
  caption: string;
  columns: Array<{ label: string; format: CellFormat }>;
  rows: Cell[][];
  chart: StatChart | null;
}

export interface StatChart {
  kind: 'bar' | 'stacked' | 'line' | 'hbar';
  title: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  series: Array<{ name: string; data: Array<number | null> }>;
  /** Numbers on the value axis are days (one decimal) rather than counts. */
  days?: boolean;
}

export interface StatSection {
  id: string;
  title: string;
  /** Where the figures come from, and for which period. */
  source: string;
  notes: string[];
  tables: StatTable[];
}

export interface StatisticsPage {
  input: PeriodInput;
  errors: Record<string, string>;
  /** Libraries the actor may pick (network: all; library staff: theirs). */
  choices: Library[];
  /** The libraries picked (empty: the whole scope). */
  picked: string[];
  scopeLabel: string;
  period: Period | null;
  sections: StatSection[];
  networkAdmin: boolean;
}

const SECTION_IDS = ['decisions', 'inscriptions', 'usagers', 'consultations', 'quotas', 'limites'] as const;

function list(v: unknown): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return [];
}

const round1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
const toDays = (hours: number | null | undefined): number | null =>
  hours === null || hours === undefined ? null : round1(Number(hours) / 24);
const ratio = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 1000) / 10 : null);

function reasonLabel(reason: string | null): string {
  if (!reason) return 'motif non précisé';
  const t = (TEMPLATES as Record<string, { label: string } | undefined>)[reason];
  return t
    ? t.label.replace(/^Refus : /, '')
    : reason === 'renewal_refuse'
      ? 'réinscription refusée'
      : reason;
}

export async function loadStatistics(
  deps: Deps,
  actor: StaffActor,
  query: Record<string, unknown>,
  settings: NetworkSettings,
): Promise<StatisticsPage> {
  const now = deps.clock.now();
  const choices = await listLibraries(deps.db, actor.scope);
  const asked = list(query.bibliotheque);
  // Another library's id, or anything that is not one of the actor's libraries: nothing shown.
  for (const id of asked)
    if (!isUuid(id) || !choices.some((l) => l.id === id)) throw notFound('Cette bibliothèque');
  const picked = [...new Set(asked)];
  const ids: LibraryFilter = picked.length > 0 ? picked : actor.scope.all ? null : choices.map((l) => l.id);
  const names = new Map(choices.map((l) => [l.id, l.name]));
  const scopeLabel =
    picked.length === 0
      ? actor.scope.all
        ? 'tout le réseau'
        : choices.map((l) => l.name).join(', ')
      : picked.map((id) => names.get(id)!).join(', ');

  const { input, period, errors } = readPeriod(query, now);
  const base = {
    input,
    errors,
    choices,
    picked,
    scopeLabel,
    period,
    networkAdmin: actor.role === 'network_admin',
  };
  if (!period) return { ...base, sections: [] };
  const sections = await buildSections(deps, ids, period, now, settings, scopeLabel, names, actor.scope.all);
  return { ...base, sections };
}

/** One table of the page, for its download: same scope and period as the page. */
export async function loadStatisticsTable(
  deps: Deps,
  actor: StaffActor,
  query: Record<string, unknown>,
  settings: NetworkSettings,
  tableId: string,
): Promise<StatTable | null> {
  const page = await loadStatistics(deps, actor, query, settings);
  for (const s of page.sections) for (const t of s.tables) if (t.id === tableId) return t;
  return null;
}

async function buildSections(
  deps: Deps,
  ids: LibraryFilter,
  period: Period,
  now: Date,
  settings: NetworkSettings,
  scopeLabel: string,
  names: Map<string, string>,
  wholeNetworkVisible: boolean,
): Promise<StatSection[]> {
  const db = deps.db;
  const today = isoDate(parisDay(now));
  const currentMonth = parisMonthKey(now);
  // Months after today hold nothing yet: not shown as zeros.
  const months = period.months.filter((m) => m <= currentMonth);
  const range = { from: period.from, to: [period.to, today].sort()[0]! };
  const per = `Période : ${period.label} ; périmètre : ${scopeLabel}.`;
  const mLabel = (m: string) => monthLabel(m, true);
  const libName = (id: string | null) =>
    id ? (names.get(id) ?? 'bibliothèque retirée') : 'visiteurs sans compte';

  const split = splitRange(range, today);
  const [events, delays, network, overdue, snapshots, live, consultations, newcomers] = await Promise.all([
    eventCountsByMonth(db, ids, split),
    decisionDelaysByLibrary(db, ids, split),
    networkDecisionDelay(db, split),
    overdueByLibrary(db, ids, split),
    activeSnapshots(
      db,
      ids,
      months.filter((m) => m < currentMonth),
    ),
    activeNow(db, ids),
    consultationCounts(db, ids, range),
    newPatronsByAgeBand(db, ids, split),
  ]);

  const count = (
    month: string,
    kinds: string[],
    filter: (e: (typeof events)[number]) => boolean = () => true,
  ) =>
    events
      .filter((e) => e.month === month && kinds.includes(e.kind) && filter(e))
      .reduce((a, e) => a + e.n, 0);
  const total = (kinds: string[], filter: (e: (typeof events)[number]) => boolean = () => true) =>
    events.filter((e) => kinds.includes(e.kind) && filter(e)).reduce((a, e) => a + e.n, 0);

  // ---------------------------------------------------------------- Décisions
  const reasons = [
    ...new Set(
      events.filter((e) => e.kind === 'refused' || e.kind === 'renewal_refused').map((e) => e.reason ?? ''),
    ),
  ].sort();
  const decisionRows = months.map((m) => {
    const accepted = count(m, ['accepted', 'renewal_accepted']);
    const refused = reasons.map((r) =>
      count(m, ['refused', 'renewal_refused'], (e) => (e.reason ?? '') === r),
    );
    return [mLabel(m), accepted, ...refused, accepted + refused.reduce((a, b) => a + b, 0)];
  });
  const overdueOf = new Map(overdue.map((o) => [o.libraryId, o.n]));
  const ranked = [...delays].sort(
    (a, b) => (a.median ?? Number.POSITIVE_INFINITY) - (b.median ?? Number.POSITIVE_INFINITY),
  );
  const delayRow = (label: string, d: DelayRow, overdueCount: number | null): Cell[] => [
    label,
    d.decisions,
    d.timed > 0 ? toDays(d.median) : null,
    d.timed > 0 ? toDays(d.p90) : null,
    overdueCount,
    d.onBehalf,
  ];
  const delayRows: Cell[][] = ranked.map((d) =>
    delayRow(libName(d.libraryId), d, overdueOf.get(d.libraryId ?? '') ?? 0),
  );
  for (const [id, n] of overdueOf)
    if (!delays.some((d) => d.libraryId === id))
      delayRows.push(
        delayRow(
          libName(id),
          { libraryId: id, decisions: 0, timed: 0, median: null, p90: null, onBehalf: 0 },
          n,
        ),
      );
  delayRows.push(
    delayRow(
      'Réseau (toutes les bibliothèques)',
      network,
      wholeNetworkVisible ? [...overdueOf.values()].reduce((a, b) => a + b, 0) : null,
    ),
  );
  const decisions: StatSection = {
    id: 'decisions',
    title: 'Décisions',
    source: `Source : décisions enregistrées par Sésame (inscriptions et réinscriptions), délai compté de la confirmation de l’adresse (ou de la demande de réinscription) à la décision. ${per}`,
    notes: [
      network.timed > 0
        ? `Délai médian du réseau : ${String(toDays(network.median)).replace('.', ',')} jour(s) sur ${network.timed} décision(s).`
        : 'Délai médian du réseau : non calculable (aucune décision datée sur la période).',
    ],
    tables: [
      {
        id: 'decisions-mois',
        caption: 'Décisions par mois : acceptées, refusées par motif',
        columns: [
          { label: 'Mois', format: 'text' },
          { label: 'Acceptées', format: 'int' },
          ...reasons.map((r) => ({ label: `Refusées : ${reasonLabel(r || null)}`, format: 'int' as const })),
          { label: 'Total', format: 'int' },
        ],
        rows: decisionRows,
        chart: {
          kind: 'stacked',
          title: 'Décisions par mois',
          xLabel: 'Mois',
          yLabel: 'Décisions',
          categories: months.map(mLabel),
          series: [
            { name: 'Acceptées', data: decisionRows.map((r) => r[1] as number) },
            ...reasons.map((r, i) => ({
              name: `Refusées : ${reasonLabel(r || null)}`,
              data: decisionRows.map((row) => row[2 + i] as number),
            })),
          ],
        },
      },
      {
        id: 'decisions-delais',
        caption:
          'Délai de la confirmation à la décision, par bibliothèque (de la plus rapide à la plus lente)',
        columns: [
          { label: 'Bibliothèque', format: 'text' },
          { label: 'Décisions', format: 'int' },
          { label: 'Délai médian (jours)', format: 'days' },
          { label: '90e centile (jours)', format: 'days' },
          { label: 'Passées en retard', format: 'int' },
          { label: 'Décidées par le réseau', format: 'int' },
        ],
        rows: delayRows,
        chart: {
          kind: 'hbar',
          title: 'Délai médian de décision par bibliothèque',
          xLabel: 'Jours',
          yLabel: 'Bibliothèque',
          categories: delayRows.map((r) => String(r[0])),
          series: [{ name: 'Délai médian (jours)', data: delayRows.map((r) => r[2] as number | null) }],
          days: true,
        },
      },
    ],
  };

  // ---------------------------------------------------------------- Inscriptions
  const registrationRows = months.map((m) => {
    const online = count(m, ['requested'], (e) => e.channel === 'self');
    const desk = count(m, ['requested'], (e) => e.channel === 'staff');
    const confirmed = count(m, ['confirmed']);
    const lapsed = count(m, ['lapsed']);
    return [mLabel(m), online, desk, confirmed, lapsed, ratio(confirmed, online)];
  });
  const onlineTotal = total(['requested'], (e) => e.channel === 'self');
  const inscriptions: StatSection = {
    id: 'inscriptions',
    title: 'Inscriptions',
    source: `Source : demandes d’inscription enregistrées par Sésame. ${per}`,
    notes: [
      onlineTotal > 0
        ? `Taux de confirmation sur la période : ${String(ratio(total(['confirmed']), onlineTotal)).replace('.', ',')} % des demandes en ligne.`
        : 'Taux de confirmation : non calculable (aucune demande en ligne sur la période).',
    ],
    tables: [
      {
        id: 'inscriptions-mois',
        caption: 'Demandes d’inscription par mois et par canal',
        columns: [
          { label: 'Mois', format: 'text' },
          { label: 'En ligne', format: 'int' },
          { label: 'À la bibliothèque', format: 'int' },
          { label: 'Adresses confirmées', format: 'int' },
          { label: 'Non confirmées à temps', format: 'int' },
          { label: 'Taux de confirmation (%)', format: 'percent' },
        ],
        rows: registrationRows,
        chart: {
          kind: 'stacked',
          title: 'Demandes d’inscription par mois',
          xLabel: 'Mois',
          yLabel: 'Demandes',
          categories: months.map(mLabel),
          series: [
            { name: 'En ligne', data: registrationRows.map((r) => r[1] as number) },
            { name: 'À la bibliothèque', data: registrationRows.map((r) => r[2] as number) },
          ],
        },
      },
    ],
  };

  // ---------------------------------------------------------------- Usagers
  const liveTotal = live.reduce((a, r) => a + r.n, 0);
  const activeAt = (m: string): number | null => {
    if (m === currentMonth) return liveTotal;
    const rows = snapshots.filter((s) => s.month === m);
    return rows.length ? rows.reduce((a, r) => a + r.n, 0) : null;
  };
  const patronRows = months.map((m) => [
    mLabel(m),
    activeAt(m),
    count(m, ['accepted']),
    count(m, ['renewal_accepted', 'renewed']),
    count(m, ['expired']),
    count(m, ['refused']),
    count(m, ['anonymised']),
    count(m, ['erased']),
  ]);
  const renewed = total(['renewal_accepted', 'renewed']);
  const expired = total(['expired']);
  const lastMonth = months.at(-1) ?? currentMonth;
  const bandCounts = (band: string): number | null => {
    if (lastMonth === currentMonth)
      return live.filter((r) => r.ageBand === band).reduce((a, r) => a + r.n, 0);
    const rows = snapshots.filter((s) => s.month === lastMonth);
    return rows.length ? rows.filter((r) => r.ageBand === band).reduce((a, r) => a + r.n, 0) : null;
  };
  // New patrons per band come from the acceptances' facts.
  const newByBand = new Map(newcomers.map((r) => [r.ageBand, r.n]));
  const ageRows: Cell[][] = AGE_BANDS.map((b) => [AGE_BAND_LABELS[b], bandCounts(b), newByBand.get(b) ?? 0]);
  const libraryRows = [...new Set(live.map((r) => r.libraryId))]
    .map((id) => [libName(id), live.filter((r) => r.libraryId === id).reduce((a, r) => a + r.n, 0)] as Cell[])
    .sort((a, b) => (b[1] as number) - (a[1] as number));
  const usagers: StatSection = {
    id: 'usagers',
    title: 'Usagers',
    source: `Source : faits enregistrés par Sésame (acceptations, réinscriptions, expirations, anonymisations) et relevé quotidien des usagers actifs ; un mois clos garde son dernier relevé. ${per}`,
    notes: [
      renewed + expired > 0
        ? `Taux de réinscription : ${String(ratio(renewed, renewed + expired)).replace('.', ',')} % (réinscrits ÷ abonnements arrivés à échéance, réinscrits ou expirés).`
        : 'Taux de réinscription : non calculable (aucun abonnement arrivé à échéance sur la période).',
      'Un mois sans relevé des usagers actifs (avant la mise en service des statistiques) est indiqué « non disponible ».',
    ],
    tables: [
      {
        id: 'usagers-mois',
        caption: 'Usagers par mois',
        columns: [
          { label: 'Mois', format: 'text' },
          { label: 'Actifs en fin de mois', format: 'int' },
          { label: 'Nouveaux', format: 'int' },
          { label: 'Réinscrits', format: 'int' },
          { label: 'Expirés', format: 'int' },
          { label: 'Refusés', format: 'int' },
          { label: 'Anonymisés', format: 'int' },
          { label: 'Comptes supprimés', format: 'int' },
        ],
        rows: patronRows,
        chart: {
          kind: 'line',
          title: 'Usagers actifs en fin de mois',
          xLabel: 'Mois',
          yLabel: 'Usagers actifs',
          categories: months.map(mLabel),
          series: [{ name: 'Actifs en fin de mois', data: patronRows.map((r) => r[1] as number | null) }],
        },
      },
      {
        id: 'usagers-ages',
        caption: `Usagers par tranche d’âge (actifs en fin de ${mLabel(lastMonth)}, nouveaux sur la période)`,
        columns: [
          { label: 'Tranche d’âge', format: 'text' },
          { label: 'Actifs', format: 'int' },
          { label: 'Nouveaux', format: 'int' },
        ],
        rows: ageRows,
        chart: {
          kind: 'bar',
          title: 'Usagers actifs par tranche d’âge',
          xLabel: 'Tranche d’âge',
          yLabel: 'Usagers',
          categories: ageRows.map((r) => String(r[0])),
          series: [{ name: 'Actifs', data: ageRows.map((r) => r[1] as number | null) }],
        },
      },
      ...(libraryRows.length > 1
        ? [
            {
              id: 'usagers-bibliotheques',
              caption: 'Usagers actifs aujourd’hui par bibliothèque',
              columns: [
                { label: 'Bibliothèque', format: 'text' as const },
                { label: 'Actifs', format: 'int' as const },
              ],
              rows: libraryRows,
              chart: null,
            },
          ]
        : []),
    ],
  };

  // ---------------------------------------------------------------- Consultations
  const OPENINGS = ['counted', 'again', 'free'];
  const openings = (set: string) =>
    consultations.filter((c) => c.set === set && OPENINGS.includes(c.outcome));
  const sumBy = <K>(rows: typeof consultations, key: (r: (typeof consultations)[number]) => K) => {
    const out = new Map<K, { counted: number; again: number; free: number }>();
    for (const r of rows) {
      const k = key(r);
      const v = out.get(k) ?? { counted: 0, again: 0, free: 0 };
      v[r.outcome as 'counted' | 'again' | 'free'] += r.n;
      out.set(k, v);
    }
    return out;
  };
  const openingColumns = [
    { label: 'Comptées', format: 'int' as const },
    { label: 'Même document à nouveau', format: 'int' as const },
    { label: 'Libres et Accès libre', format: 'int' as const },
    { label: 'Total', format: 'int' as const },
  ];
  const openingCells = (v: { counted: number; again: number; free: number } | undefined): Cell[] => {
    const x = v ?? { counted: 0, again: 0, free: 0 };
    return [x.counted, x.again, x.free, x.counted + x.again + x.free];
  };
  const byMonth = sumBy(openings('month'), (r) => r.month);
  const monthRows = months.map((m) => [mLabel(m), ...openingCells(byMonth.get(m))]);
  const byCategory = sumBy(openings('month'), (r) => r.category ?? '');
  const categoryRows = [...byCategory.entries()]
    .map(([c, v]) => [
      c ? CATEGORY_LABELS[c as QuotaCategory] : 'Sans quota (libres, Accès libre)',
      ...openingCells(v),
    ])
    .sort((a, b) => (b[4] as number) - (a[4] as number));
  const byResource = sumBy(openings('resource'), (r) => r.resourceName ?? 'ressource retirée');
  const resourceRows = [...byResource.entries()]
    .map(([name, v]) => [name, ...openingCells(v)])
    .sort((a, b) => (b[4] as number) - (a[4] as number));
  const byLibrary = sumBy(openings('library'), (r) => r.libraryId);
  const consultLibraryRows = [...byLibrary.entries()]
    .map(([id, v]) => [libName(id), ...openingCells(v)])
    .sort((a, b) => (b[4] as number) - (a[4] as number));
  const byBand = sumBy(openings('band'), (r) => r.ageBand);
  const consultAgeRows = AGE_BANDS.map((b) => [AGE_BAND_LABELS[b], ...openingCells(byBand.get(b))]);
  const consultationsSection: StatSection = {
    id: 'consultations',
    title: 'Consultations',
    source: `Source : ouvertures de ressources passées par Sésame, comptées par mois entiers (une période de quelques jours compte les mois qu’elle touche). « Comptées » : première ouverture d’un document dans le mois (quota ou plafond) ; « même document à nouveau » : ouverte encore le même mois, non comptée. ${per}`,
    notes: [],
    tables: [
      {
        id: 'consultations-mois',
        caption: 'Ouvertures par mois',
        columns: [{ label: 'Mois', format: 'text' }, ...openingColumns],
        rows: monthRows,
        chart: {
          kind: 'stacked',
          title: 'Ouvertures par mois',
          xLabel: 'Mois',
          yLabel: 'Ouvertures',
          categories: months.map(mLabel),
          series: [
            { name: 'Comptées', data: monthRows.map((r) => r[1] as number) },
            { name: 'Même document à nouveau', data: monthRows.map((r) => r[2] as number) },
            { name: 'Libres et Accès libre', data: monthRows.map((r) => r[3] as number) },
          ],
        },
      },
      {
        id: 'consultations-categories',
        caption: 'Ouvertures par catégorie',
        columns: [{ label: 'Catégorie', format: 'text' }, ...openingColumns],
        rows: categoryRows,
        chart: {
          kind: 'bar',
          title: 'Ouvertures par catégorie',
          xLabel: 'Catégorie',
          yLabel: 'Ouvertures',
          categories: categoryRows.map((r) => String(r[0])),
          series: [{ name: 'Total', data: categoryRows.map((r) => r[4] as number) }],
        },
      },
      {
        id: 'consultations-ressources',
        caption: 'Ouvertures par ressource',
        columns: [{ label: 'Ressource', format: 'text' }, ...openingColumns],
        rows: resourceRows,
        chart: null,
      },
      ...(consultLibraryRows.length > 1
        ? [
            {
              id: 'consultations-bibliotheques',
              caption: 'Ouvertures par bibliothèque de l’usager',
              columns: [{ label: 'Bibliothèque', format: 'text' as const }, ...openingColumns],
              rows: consultLibraryRows,
              chart: null,
            },
          ]
        : []),
      {
        id: 'consultations-ages',
        caption: 'Ouvertures par tranche d’âge',
        columns: [{ label: 'Tranche d’âge', format: 'text' }, ...openingColumns],
        rows: consultAgeRows,
        chart: {
          kind: 'bar',
          title: 'Ouvertures par tranche d’âge',
          xLabel: 'Tranche d’âge',
          yLabel: 'Ouvertures',
          categories: consultAgeRows.map((r) => String(r[0])),
          series: [{ name: 'Total', data: consultAgeRows.map((r) => r[4] as number) }],
        },
      },
    ],
  };

  // ---------------------------------------------------------------- Quotas
  // The month studied: the last closed month of the period (the current one is still running).
  const closed = months.filter((m) => m < currentMonth);
  const studied = closed.at(-1) ?? lastMonth;
  const [use, refusals] = await Promise.all([quotaUse(db, ids, studied), quotaRefusals(db, ids, studied)]);
  const activeStudied = activeAt(studied);
  const useTables: StatTable[] = QUOTA_CATEGORIES.map((c) => {
    const limit = quotaLimit(settings, c);
    const rowsOf = use.filter((u) => u.category === c);
    const top = Math.max(limit, ...rowsOf.map((u) => u.used));
    const users = rowsOf.reduce((a, u) => a + u.patrons, 0);
    const rows: Cell[][] = [];
    rows.push(['0', activeStudied === null ? null : Math.max(0, activeStudied - users)]);
    for (let u = 1; u <= top; u++)
      rows.push([String(u), rowsOf.filter((x) => x.used === u).reduce((a, x) => a + x.patrons, 0)]);
    return {
      id: `quotas-usage-${c}`,
      caption: `${CATEGORY_LABELS[c]} : usagers selon le nombre de documents ouverts en ${mLabel(studied)} (quota actuel : ${limit})`,
      columns: [
        { label: 'Documents comptés dans le mois', format: 'text' },
        { label: 'Usagers', format: 'int' },
      ],
      rows,
      chart: {
        kind: 'bar',
        title: `${CATEGORY_LABELS[c]} : usage du quota en ${mLabel(studied)}`,
        xLabel: 'Documents comptés',
        yLabel: 'Usagers',
        categories: rows.map((r) => String(r[0])),
        series: [{ name: 'Usagers', data: rows.map((r) => r[1] as number | null) }],
      },
    };
  });
  const quotaMonthRows = months.map((m) => {
    const cells: Cell[] = [mLabel(m)];
    for (const c of QUOTA_CATEGORIES) {
      const of = (o: string) =>
        consultations
          .filter((x) => x.set === 'month' && x.month === m && x.category === c && x.outcome === o)
          .reduce((a, x) => a + x.n, 0);
      cells.push(of('reached'), of('quota'));
    }
    return cells;
  });
  const simulationRows: Cell[][] = QUOTA_CATEGORIES.map((c) => {
    const rows = refusals.filter((r) => r.category === c);
    const refused = rows.reduce((a, r) => a + r.n, 0);
    const limits = [...new Set(rows.map((r) => r.quotaLimit))];
    const inForce = limits.length === 1 ? limits[0]! : limits.length === 0 ? quotaLimit(settings, c) : null;
    const avoided = rows.filter((r) => r.rank === 1).reduce((a, r) => a + r.n, 0);
    return [CATEGORY_LABELS[c], inForce, refused, inForce === null ? null : inForce + 1, avoided];
  });
  const quotas: StatSection = {
    id: 'quotas',
    title: 'Quotas',
    source: `Source : ouvertures comptées et refus pour quota atteint, enregistrés par Sésame au moment de l’ouverture. Mois étudié pour l’usage et la simulation : ${mLabel(studied)}. ${per}`,
    notes: simulationRows
      .filter((r) => typeof r[3] === 'number' && (r[2] as number) > 0)
      .map(
        (r) =>
          `${r[0]} : avec ${r[3]} documents au lieu de ${r[1]}, ${r[4]} refus sur ${r[2]} n’auraient pas eu lieu en ${mLabel(studied)}.`,
      ),
    tables: [
      ...useTables,
      {
        id: 'quotas-mois',
        caption: 'Quotas atteints et refus pour quota atteint, par mois',
        columns: [
          { label: 'Mois', format: 'text' },
          ...QUOTA_CATEGORIES.flatMap((c) => [
            { label: `${CATEGORY_LABELS[c]} : quota atteint`, format: 'int' as const },
            { label: `${CATEGORY_LABELS[c]} : refus`, format: 'int' as const },
          ]),
        ],
        rows: quotaMonthRows,
        chart: {
          kind: 'stacked',
          title: 'Refus pour quota atteint par mois',
          xLabel: 'Mois',
          yLabel: 'Refus',
          categories: months.map(mLabel),
          series: QUOTA_CATEGORIES.map((c, i) => ({
            name: CATEGORY_LABELS[c],
            data: quotaMonthRows.map((r) => r[2 + i * 2] as number),
          })),
        },
      },
      {
        id: 'quotas-simulation',
        caption: `Ce qu’un quota d’un document de plus aurait changé en ${mLabel(studied)}`,
        columns: [
          { label: 'Catégorie', format: 'text' },
          { label: 'Quota en vigueur', format: 'int' },
          { label: 'Refus pour quota atteint', format: 'int' },
          { label: 'Quota simulé', format: 'int' },
          { label: 'Refus qui n’auraient pas eu lieu', format: 'int' },
        ],
        rows: simulationRows,
        chart: null,
      },
    ],
  };

  // ---------------------------------------------------------------- Limites
  const caps = wholeNetworkVisible ? await capUse(db, months) : [];
  const limites: StatSection = {
    id: 'limites',
    title: 'Limites',
    source: `Source : compteurs des plafonds du réseau (licences achetées par mois ou par an). ${per}`,
    notes: wholeNetworkVisible
      ? caps.length === 0
        ? ['Aucun plafond réseau n’a été utilisé sur la période.']
        : []
      : ['Les plafonds sont ceux du réseau entier : seule l’administration du réseau les voit.'],
    tables: wholeNetworkVisible
      ? [
          {
            id: 'limites-plafonds',
            caption: 'Plafonds du réseau utilisés par période',
            columns: [
              { label: 'Ressource', format: 'text' },
              { label: 'Période', format: 'text' },
              { label: 'Utilisé', format: 'int' },
              { label: 'Plafond actuel', format: 'int' },
              { label: 'Part utilisée (%)', format: 'percent' },
            ],
            rows: caps.map((c) => [
              c.resourceName,
              c.period.length === 7 ? mLabel(c.period) : c.period,
              c.used,
              c.capLimit,
              c.capLimit ? ratio(c.used, c.capLimit) : null,
            ]),
            chart: null,
          },
        ]
      : [],
  };

  const all = [decisions, inscriptions, usagers, consultationsSection, quotas, limites];
  return SECTION_IDS.map((id) => all.find((s) => s.id === id)!);
}
