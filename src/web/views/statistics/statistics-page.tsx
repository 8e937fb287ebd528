import { PERIOD_KINDS, PERIOD_LABELS, periodQuery } from '../../../domain/statistics-period.js';
import type {
  Cell,
  CellFormat,
  StatisticsPage,
  StatSection,
  StatTable,
} from '../../../usecases/statistics/statistics-page.js';
import { PageHeading } from '../components/admin-page.js';
import { CheckboxGroup } from '../components/checkbox-group.js';
import { ErrorSummary, Select, SubmitButton, TextInput } from '../components/forms.js';
import { DsfrTable } from '../components/table.js';
import { Chart } from './chart.js';

export const STATISTICS_URL = '/admin/statistiques';
export const STATISTICS_DOWNLOAD_URL = '/admin/statistiques/telecharger';

const integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A figure the French way (1 234 ; 2,5 ; 12,5 %), or says it cannot be computed. */
export function formatCell(value: Cell, format: CellFormat): string {
  if (value === null) return 'non disponible';
  if (typeof value === 'string') return value;
  if (format === 'days') return decimal.format(value);
  if (format === 'percent') return `${decimal.format(value)} %`;
  return integer.format(value);
}

/** The fields of the period other than its kind, each used by one kind of period. */
const PERIOD_FIELDS = [
  { name: 'mois', hint: 'Pour « Un mois » : AAAA-MM, par exemple 2026-03.', maxLength: 7 },
  { name: 'trimestre', hint: 'Pour « Un trimestre » : AAAA-T1 à AAAA-T4.', maxLength: 7 },
  { name: 'annee', hint: 'Pour « Une année » : AAAA.', maxLength: 4 },
  { name: 'du', hint: 'Pour « Des dates choisies » : JJ/MM/AAAA.', maxLength: 10 },
  { name: 'au', hint: 'JJ/MM/AAAA ; 10 ans au plus.', maxLength: 10 },
] as const;

const LABELS: Record<string, string> = {
  periode: 'Période',
  mois: 'Mois',
  trimestre: 'Trimestre',
  annee: 'Année',
  du: 'Du',
  au: 'Au',
};

/** The query string of the page as it is (period and libraries), plus what a link adds. */
export function statisticsQuery(
  page: Pick<StatisticsPage, 'input' | 'picked'>,
  extra: Record<string, string> = {},
) {
  const q = new URLSearchParams(periodQuery(page.input));
  for (const id of page.picked) q.append('bibliotheque', id);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

function Table({ table, page }: { table: StatTable; page: StatisticsPage }) {
  const href = (format: string) =>
    `${STATISTICS_DOWNLOAD_URL}?${statisticsQuery(page, { tableau: table.id, format })}`;
  return (
    <div class="fr-mb-6w" id={`tableau-${table.id}`}>
      <h3 class="fr-h5">{table.caption}</h3>
      {table.chart && <Chart chart={table.chart} />}
      <DsfrTable class="fr-table--bordered fr-mb-1w">
        <table>
          <caption class="fr-sr-only">{table.caption}</caption>
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th scope="col">{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.length === 0 ? (
              <tr>
                <td colSpan={table.columns.length}>Aucune donnée sur la période.</td>
              </tr>
            ) : (
              table.rows.map((row) => (
                <tr>
                  {row.map((cell, i) =>
                    i === 0 ? (
                      <th scope="row">{formatCell(cell, table.columns[i]!.format)}</th>
                    ) : (
                      <td class={typeof cell === 'number' ? 'sesame-number' : undefined}>
                        {formatCell(cell, table.columns[i]!.format)}
                      </td>
                    ),
                  )}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </DsfrTable>
      <ul class="fr-links-group fr-links-group--inline">
        <li>
          <a class="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left" href={href('csv')} download>
            Télécharger en CSV<span class="fr-sr-only"> : {table.caption}</span>
          </a>
        </li>
        <li>
          <a
            class="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left"
            href={href('xlsx')}
            download
          >
            Télécharger en Excel (.xlsx)<span class="fr-sr-only"> : {table.caption}</span>
          </a>
        </li>
      </ul>
    </div>
  );
}

function Section({ section, page }: { section: StatSection; page: StatisticsPage }) {
  return (
    <section class="fr-mb-8w" id={`section-${section.id}`} aria-labelledby={`titre-${section.id}`}>
      <h2 id={`titre-${section.id}`}>{section.title}</h2>
      <p class="fr-text--sm">{section.source}</p>
      {section.notes.map((n) => (
        <p class="fr-text--lg">{n}</p>
      ))}
      {section.tables.map((t) => (
        <Table table={t} page={page} />
      ))}
    </section>
  );
}

function PeriodForm({ page }: { page: StatisticsPage }) {
  const values = { ...page.input, bibliotheque: page.picked.join(',') };
  return (
    <form method="get" action={STATISTICS_URL} class="fr-mb-4w" noValidate>
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">Période et bibliothèque</legend>
        <div class="fr-fieldset__element">
          <Select
            name="periode"
            label="Période"
            values={values}
            errors={page.errors}
            options={PERIOD_KINDS.map((k) => ({ value: k, label: PERIOD_LABELS[k] }))}
          />
        </div>
        {PERIOD_FIELDS.map((f) => (
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <TextInput
              name={f.name}
              label={LABELS[f.name]!}
              hint={f.hint}
              values={values}
              errors={page.errors}
              maxLength={f.maxLength}
              inputMode={f.name === 'annee' ? 'numeric' : undefined}
            />
          </div>
        ))}
        {page.choices.length > 1 && (
          <div class="fr-fieldset__element">
            {/* Native disclosure: works without JavaScript; open while libraries are picked. */}
            <details class="sesame-statistics-libraries" open={page.picked.length > 0}>
              <summary class="fr-link">
                {page.picked.length > 0
                  ? `Bibliothèques choisies : ${page.picked.length}`
                  : page.networkAdmin
                    ? 'Choisir ou comparer des bibliothèques (tout le réseau sinon)'
                    : 'Choisir des bibliothèques (toutes les miennes sinon)'}
              </summary>
              <CheckboxGroup
                name="bibliotheque"
                legend="Bibliothèques"
                hint="Cochez-en une pour ses chiffres, plusieurs pour les comparer ; aucune pour l’ensemble."
                options={page.choices.map((l) => ({ value: l.id, label: l.name }))}
                values={values}
              />
            </details>
          </div>
        )}
        <div class="fr-fieldset__element">
          <SubmitButton>Afficher</SubmitButton>
        </div>
      </fieldset>
    </form>
  );
}

export function StatisticsPageView({ page }: { page: StatisticsPage }) {
  return (
    <>
      <PageHeading trail={[]} title="Statistiques" />
      <ErrorSummary errors={page.errors} labels={LABELS} />
      <PeriodForm page={page} />
      {page.period ? (
        <>
          <p class="fr-text--lead">
            Statistiques de {page.scopeLabel}, {page.period.label}.
          </p>
          <nav class="fr-summary fr-mb-4w" aria-labelledby="sommaire-titre">
            <p class="fr-summary__title" id="sommaire-titre">
              Sommaire
            </p>
            <ol>
              {page.sections.map((s) => (
                <li>
                  <a class="fr-summary__link" href={`#section-${s.id}`}>
                    {s.title}
                  </a>
                </li>
              ))}
            </ol>
          </nav>
          {page.sections.map((s) => (
            <Section section={s} page={page} />
          ))}
        </>
      ) : (
        <p>Corrigez la période pour afficher les statistiques.</p>
      )}
    </>
  );
}
