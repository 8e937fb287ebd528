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

/** A column of a table: counts unless said otherwise. */
const col = (label: string, format: CellFormat = 'int') => ({ label, format });

/** A chart of a table's rows: categories from the first column, one series per [name, column]. */
function chartOf(
  kind: StatChart['kind'],
  title: string,
  [xLabel, yLabel]: [string, string],
  rows: Cell[][],
  series: Array<[string, number]>,
  days = false,
): StatChart {
  return {
    kind,
    title,
    xLabel,
    yLabel,
    categories: rows.map((r) => String(r[0])),
    series: series.map(([name, i]) => ({ name, data: rows.map((r) => r[i] as number | null) })),
    ...(days ? { days } : {}),
  };
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
          col('Mois', 'text'),
          col('Acceptées'),
          ...reasons.map((r) => col(`Refusées : ${reasonLabel(r || null)}`)),
          col('Total'),
        ],
        rows: decisionRows,
        chart: chartOf('stacked', 'Décisions par mois', ['Mois', 'Décisions'], decisionRows, [
          ['Acceptées', 1],
          ...reasons.map((r, i): [string, number] => [`Refusées : ${reasonLabel(r || null)}`, 2 + i]),
        ]),
      },
      {
        id: 'decisions-delais',
        caption:
          'Délai de la confirmation à la décision, par bibliothèque (de la plus rapide à la plus lente)',
        columns: [
          col('Bibliothèque', 'text'),
          col('Décisions'),
          col('Délai médian (jours)', 'days'),
          col('90e centile (jours)', 'days'),
          col('Passées en retard'),
          col('Décidées par le réseau'),
        ],
        rows: delayRows,
        chart: chartOf(
          'hbar',
          'Délai médian de décision par bibliothèque',
          ['Jours', 'Bibliothèque'],
          delayRows,
          [['Délai médian (jours)', 2]],
          true,
        ),
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
          col('Mois', 'text'),
          col('En ligne'),
          col('À la bibliothèque'),
          col('Adresses confirmées'),
          col('Non confirmées à temps'),
          col('Taux de confirmation (%)', 'percent'),
        ],
        rows: registrationRows,
        chart: chartOf('stacked', 'Demandes d’inscription par mois', ['Mois', 'Demandes'], registrationRows, [
          ['En ligne', 1],
          ['À la bibliothèque', 2],
        ]),
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
          col('Mois', 'text'),
          col('Actifs en fin de mois'),
          col('Nouveaux'),
          col('Réinscrits'),
          col('Expirés'),
          col('Refusés'),
          col('Anonymisés'),
          col('Comptes supprimés'),
        ],
        rows: patronRows,
        chart: chartOf('line', 'Usagers actifs en fin de mois', ['Mois', 'Usagers actifs'], patronRows, [
          ['Actifs en fin de mois', 1],
        ]),
      },
      {
        id: 'usagers-ages',
        caption: `Usagers par tranche d’âge (actifs en fin de ${mLabel(lastMonth)}, nouveaux sur la période)`,
        columns: [col('Tranche d’âge', 'text'), col('Actifs'), col('Nouveaux')],
        rows: ageRows,
        chart: chartOf('bar', 'Usagers actifs par tranche d’âge', ['Tranche d’âge', 'Usagers'], ageRows, [
          ['Actifs', 1],
        ]),
      },
      ...(libraryRows.length > 1
        ? [
            {
              id: 'usagers-bibliotheques',
              caption: 'Usagers actifs aujourd’hui par bibliothèque',
              columns: [col('Bibliothèque', 'text'), col('Actifs')],
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
    col('Comptées'),
    col('Même document à nouveau'),
    col('Libres et Accès libre'),
    col('Total'),
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
        columns: [col('Mois', 'text'), ...openingColumns],
        rows: monthRows,
        chart: chartOf('stacked', 'Ouvertures par mois', ['Mois', 'Ouvertures'], monthRows, [
          ['Comptées', 1],
          ['Même document à nouveau', 2],
          ['Libres et Accès libre', 3],
        ]),
      },
      {
        id: 'consultations-categories',
        caption: 'Ouvertures par catégorie',
        columns: [col('Catégorie', 'text'), ...openingColumns],
        rows: categoryRows,
        chart: chartOf('bar', 'Ouvertures par catégorie', ['Catégorie', 'Ouvertures'], categoryRows, [
          ['Total', 4],
        ]),
      },
      {
        id: 'consultations-ressources',
        caption: 'Ouvertures par ressource',
        columns: [col('Ressource', 'text'), ...openingColumns],
        rows: resourceRows,
        chart: null,
      },
      ...(consultLibraryRows.length > 1
        ? [
            {
              id: 'consultations-bibliotheques',
              caption: 'Ouvertures par bibliothèque de l’usager',
              columns: [col('Bibliothèque', 'text'), ...openingColumns],
              rows: consultLibraryRows,
              chart: null,
            },
          ]
        : []),
      {
        id: 'consultations-ages',
        caption: 'Ouvertures par tranche d’âge',
        columns: [col('Tranche d’âge', 'text'), ...openingColumns],
        rows: consultAgeRows,
        chart: chartOf(
          'bar',
          'Ouvertures par tranche d’âge',
          ['Tranche d’âge', 'Ouvertures'],
          consultAgeRows,
          [['Total', 4]],
        ),
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
      columns: [col('Documents comptés dans le mois', 'text'), col('Usagers')],
      rows,
      chart: chartOf(
        'bar',
        `${CATEGORY_LABELS[c]} : usage du quota en ${mLabel(studied)}`,
        ['Documents comptés', 'Usagers'],
        rows,
        [['Usagers', 1]],
      ),
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
          col('Mois', 'text'),
          ...QUOTA_CATEGORIES.flatMap((c) => [
            col(`${CATEGORY_LABELS[c]} : quota atteint`),
            col(`${CATEGORY_LABELS[c]} : refus`),
          ]),
        ],
        rows: quotaMonthRows,
        chart: chartOf(
          'stacked',
          'Refus pour quota atteint par mois',
          ['Mois', 'Refus'],
          quotaMonthRows,
          QUOTA_CATEGORIES.map((c, i): [string, number] => [CATEGORY_LABELS[c], 2 + i * 2]),
        ),
      },
      {
        id: 'quotas-simulation',
        caption: `Ce qu’un quota d’un document de plus aurait changé en ${mLabel(studied)}`,
        columns: [
          col('Catégorie', 'text'),
          col('Quota en vigueur'),
          col('Refus pour quota atteint'),
          col('Quota simulé'),
          col('Refus qui n’auraient pas eu lieu'),
        ],
        rows: simulationRows,
        chart: null,
      },
    ],
  };

  // ---------------------------------------------------------------- Limites
  const caps = wholeNetworkVisible ? await capUse(db, months) : [];
  // The licence pool over time: used and still available (against today's cap) per period.
  const capRows: Cell[][] = caps.map((c) => [
    c.resourceName,
    c.period.length === 7 ? mLabel(c.period) : c.period,
    c.used,
    c.capLimit,
    c.capLimit === null ? null : Math.max(0, c.capLimit - c.used),
    c.capLimit ? ratio(c.used, c.capLimit) : null,
  ]);
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
              col('Ressource', 'text'),
              col('Période', 'text'),
              col('Licences utilisées'),
              col('Plafond actuel'),
              col('Licences disponibles (plafond actuel)'),
              col('Part utilisée (%)', 'percent'),
            ],
            rows: capRows,
            chart: capRows.length
              ? chartOf(
                  'stacked',
                  'Licences utilisées et disponibles par période',
                  ['Ressource et période', 'Licences'],
                  capRows.map((r) => [`${r[0]}, ${r[1]}`, ...r.slice(2)]),
                  [
                    ['Utilisées', 1],
                    ['Disponibles', 3],
                  ],
                )
              : null,
          },
        ]
      : [],
  };

  const all = [decisions, inscriptions, usagers, consultationsSection, quotas, limites];
  return SECTION_IDS.map((id) => all.find((s) => s.id === id)!);
}
