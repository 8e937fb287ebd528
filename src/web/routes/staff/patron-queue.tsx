import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Library, listLibraries } from '../../../db/repositories/libraries.js';
import {
  type Count,
  loadQueue,
  QUEUE_ORDERS,
  QUEUE_PAGE_SIZE,
  QUEUE_SORTS,
  QUEUE_STATE_FILTERS,
  type QueueCounts,
  type QueueCriteria,
  type QueueOrder,
  type QueuePage,
  type QueueRow,
  type QueueSort,
  type QueueStateFilter,
  SEARCH_COUNT_CAP,
} from '../../../db/repositories/patron-queue.js';
import type { StaffActor } from '../../../domain/actor.js';
import { formatDate, parisDay } from '../../../domain/paris.js';
import {
  ageOn,
  daysWaiting,
  frenchDay,
  isAwaitingDecision,
  isOverdue,
} from '../../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import { RENEWABLE } from '../../../usecases/patrons/renew-directly.js';
import type { RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';
import { Form } from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';
import { BULK_DECISION_ACTION, BulkDecisionBar } from '../../views/patrons/bulk-decision-bar.js';
import { ExportLinks } from '../../views/patrons/export-links.js';
import { patronName, reasonLabel, StateBadge } from '../../views/patrons/patron-display.js';

export const QUEUE_URL = '/admin/usagers';
const TITLE = 'Validation des inscriptions';

export const STATE_FILTER_LABELS: Record<QueueStateFilter, string> = {
  a_valider: 'À valider',
  reinscriptions: 'Réinscriptions à valider',
  en_retard: 'En retard',
  attente_confirmation: 'En attente de confirmation',
  actifs: 'Actifs',
  expires: 'Expirés',
  refuses: 'Refusés',
  demandes_expirees: 'Demandes expirées',
  tous: 'Tous les états',
};

/** How a caption or an empty list names the patrons of each state filter. */
const STATE_FILTER_NOUNS: Record<QueueStateFilter, string> = {
  a_valider: 'demandes à valider',
  reinscriptions: 'réinscriptions à valider',
  en_retard: 'demandes en retard',
  attente_confirmation: 'demandes en attente de confirmation',
  actifs: 'usagers actifs',
  expires: 'abonnements expirés',
  refuses: 'demandes refusées',
  demandes_expirees: 'demandes expirées',
  tous: 'usagers',
};

const SORT_LABELS: Record<QueueSort, string> = {
  inscription: 'Date d’inscription',
  nom: 'Nom',
  attente: 'Attente',
  fin: 'Date de fin',
};
const ORDER_LABELS: Record<QueueOrder, string> = { croissant: 'Croissant', decroissant: 'Décroissant' };

/** States whose patrons wait for a decision: sorting them by waiting time makes sense. */
const WAITING_FILTERS: readonly QueueStateFilter[] = ['a_valider', 'reinscriptions', 'en_retard'];

/**
 * The query string, read leniently: a missing or wrong value (an old bookmark, a forged link)
 * falls back to its default instead of an error page.
 */
const queueQuery = z.object({
  bibliotheque: z.string().max(100).optional().catch(undefined),
  etat: z.enum(QUEUE_STATE_FILTERS).optional().catch(undefined),
  q: z
    .string()
    .transform((s) => s.trim().slice(0, 200))
    .optional()
    .catch(undefined),
  tri: z.enum(QUEUE_SORTS).optional().catch(undefined),
  ordre: z.enum(QUEUE_ORDERS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).optional().catch(undefined),
});

export interface QueueView {
  /** Null: every library the actor may see. */
  libraryId: string | null;
  state: QueueStateFilter;
  q: string;
  sort: QueueSort;
  order: QueueOrder;
  page: number;
}

function defaultSort(state: QueueStateFilter): { sort: QueueSort; order: QueueOrder } {
  return WAITING_FILTERS.includes(state)
    ? { sort: 'attente', order: 'croissant' }
    : { sort: 'inscription', order: 'decroissant' };
}

/** The criteria of a request, within what the actor may see (a library outside it is ignored). */
export function readQueueView(query: unknown, libraries: readonly Library[]): QueueView {
  const parsed = queueQuery.parse(query && typeof query === 'object' ? query : {});
  const state = parsed.etat ?? 'a_valider';
  const sort = parsed.tri ?? defaultSort(state).sort;
  const order = parsed.ordre ?? (parsed.tri ? 'croissant' : defaultSort(state).order);
  let libraryId: string | null = null;
  if (libraries.length === 1) libraryId = libraries[0]!.id;
  else if (parsed.bibliotheque && libraries.some((l) => l.id === parsed.bibliotheque))
    libraryId = parsed.bibliotheque;
  return { libraryId, state, q: parsed.q ?? '', sort, order, page: parsed.page ?? 1 };
}

/** The list's URL for these criteria; defaults are left out so links stay short. */
export function queueHref(view: QueueView, change: Partial<QueueView> = {}): string {
  const v = { ...view, ...change };
  const params = new URLSearchParams();
  if (v.libraryId) params.set('bibliotheque', v.libraryId);
  params.set('etat', v.state);
  if (v.q) params.set('q', v.q);
  params.set('tri', v.sort);
  params.set('ordre', v.order);
  if (v.page > 1) params.set('page', String(v.page));
  return `${QUEUE_URL}?${params.toString()}`;
}

const numberFmt = new Intl.NumberFormat('fr-FR');

function countText(c: Count): string {
  return c.exact ? numberFmt.format(c.value) : `plus de ${numberFmt.format(c.value)}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

export async function patronQueueRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(QUEUE_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const libraries = await listLibraries(deps.db, actor.scope);
    const view = readQueueView(request.query, libraries);
    const now = deps.clock.now();
    const settings = request.network.settings;
    const criteria: QueueCriteria = {
      libraryId: view.libraryId,
      state: view.state,
      q: view.q,
      sort: view.sort,
      order: view.order,
      page: view.page,
    };
    const { counts, page } = await loadQueue(deps.db, actor.scope, criteria, now, settings);
    const shown = { ...view, page: page.page };
    return sendPage(request, reply, {
      title: TITLE,
      body: (ctx) => (
        <>
          <Breadcrumb items={[{ href: '/admin', label: 'Tableau de bord' }, { label: TITLE }]} />
          <h1>{TITLE}</h1>
          {settings.staffRegistration && (
            <p>
              <a
                class="fr-btn fr-btn--secondary fr-icon-user-add-line fr-btn--icon-left"
                href={`${QUEUE_URL}/nouveau`}
              >
                Inscrire un usager
              </a>
            </p>
          )}
          <CriteriaForm actor={actor} libraries={libraries} view={shown} />
          <StateCounts view={shown} counts={counts} />
          <Form action={BULK_DECISION_ACTION} csrf={ctx.csrf} id="liste-usagers">
            <input type="hidden" name="retour" value={request.url} />
            <QueueTable
              view={shown}
              page={page}
              libraries={libraries}
              now={now}
              settings={settings}
              actor={actor}
            />
          </Form>
          <Pagination view={shown} page={page} />
          <ExportLinks actor={actor} listUrl={queueHref(shown)} libraryId={shown.libraryId} />
        </>
      ),
    });
  });
}

function CriteriaForm({
  actor,
  libraries,
  view,
}: {
  actor: StaffActor;
  libraries: readonly Library[];
  view: QueueView;
}) {
  const admin = actor.role === 'network_admin';
  return (
    <form method="get" action={QUEUE_URL} role="search" aria-labelledby="criteres-titre" class="fr-mb-4w">
      <fieldset class="fr-fieldset" aria-labelledby="criteres-titre">
        <legend class="fr-fieldset__legend" id="criteres-titre">
          Critères de recherche
        </legend>
        <div class="fr-fieldset__element">
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-4">
              {libraries.length === 1 ? (
                <div class="fr-input-group">
                  <p class="fr-label fr-mb-1w">Bibliothèque locale</p>
                  <p class="fr-text--bold fr-mb-0">{libraries[0]!.name}</p>
                </div>
              ) : (
                <div class="fr-select-group">
                  <label class="fr-label" for="critere-bibliotheque">
                    Bibliothèque locale
                  </label>
                  <select class="fr-select" id="critere-bibliotheque" name="bibliotheque">
                    <option value="" selected={!view.libraryId}>
                      {admin ? 'Toutes les bibliothèques' : 'Toutes mes bibliothèques'}
                    </option>
                    {libraries.map((l) => (
                      <option value={l.id} selected={view.libraryId === l.id}>
                        {l.active ? l.name : `${l.name} (désactivée)`}
                      </option>
                    ))}
                  </select>
                </div>
              )}
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-select-group">
                <label class="fr-label" for="critere-etat">
                  État
                </label>
                <select class="fr-select" id="critere-etat" name="etat">
                  {QUEUE_STATE_FILTERS.map((s) => (
                    <option value={s} selected={view.state === s}>
                      {STATE_FILTER_LABELS[s]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-input-group">
                <label class="fr-label" for="critere-q">
                  Recherche
                  <span class="fr-hint-text" id="critere-q-aide">
                    Nom, prénom, identifiant, courriel ou numéro de carte
                  </span>
                </label>
                <input
                  class="fr-input"
                  type="search"
                  id="critere-q"
                  name="q"
                  value={view.q}
                  maxLength={200}
                  spellcheck={false}
                  autocomplete="off"
                  aria-describedby="critere-q-aide"
                />
              </div>
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-select-group">
                <label class="fr-label" for="critere-tri">
                  Trier par
                </label>
                <select class="fr-select" id="critere-tri" name="tri">
                  {QUEUE_SORTS.map((s) => (
                    <option value={s} selected={view.sort === s}>
                      {SORT_LABELS[s]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-select-group">
                <label class="fr-label" for="critere-ordre">
                  Ordre
                </label>
                <select class="fr-select" id="critere-ordre" name="ordre">
                  {QUEUE_ORDERS.map((o) => (
                    <option value={o} selected={view.order === o}>
                      {ORDER_LABELS[o]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div class="fr-col-12 fr-col-md-4 sesame-criteria-actions">
              <ul class="fr-btns-group fr-btns-group--inline">
                <li>
                  <button type="submit" class="fr-btn">
                    Rechercher
                  </button>
                </li>
                <li>
                  <a class="fr-btn fr-btn--tertiary" href={QUEUE_URL}>
                    Réinitialiser
                  </a>
                </li>
              </ul>
            </div>
          </div>
        </div>
      </fieldset>
    </form>
  );
}

/** One link per state with its count, keeping the library, the text and (when it fits) the sort. */
function StateCounts({ view, counts }: { view: QueueView; counts: QueueCounts }) {
  const vague = counts.a_valider === null;
  return (
    <nav class="fr-mb-3w" aria-labelledby="etats-titre">
      <h2 class="fr-h6 fr-mb-1w" id="etats-titre">
        Nombre d’usagers par état
      </h2>
      {vague && (
        <p class="fr-text--sm">
          Plus de {numberFmt.format(SEARCH_COUNT_CAP)} usagers correspondent à « {view.q} » : précisez la
          recherche (par exemple avec le prénom) pour voir leur nombre par état.
        </p>
      )}
      <ul class="fr-tags-group">
        {QUEUE_STATE_FILTERS.map((s) => {
          const c = counts[s];
          const keepSort = WAITING_FILTERS.includes(s) || view.sort !== 'attente';
          const href = queueHref(view, {
            state: s,
            page: 1,
            ...(keepSort ? {} : defaultSort(s)),
          });
          return (
            <li>
              <a class="fr-tag" href={href} aria-current={s === view.state ? 'true' : undefined}>
                {STATE_FILTER_LABELS[s]}
                {c ? ` (${countText(c)})` : ''}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function caption(view: QueueView, page: QueuePage, libraries: readonly Library[]): string {
  const library = view.libraryId ? libraries.find((l) => l.id === view.libraryId)?.name : null;
  const parts = [
    `${STATE_FILTER_NOUNS[view.state].charAt(0).toUpperCase()}${STATE_FILTER_NOUNS[view.state].slice(1)}`,
    library ?? (libraries.length > 1 ? 'toutes les bibliothèques' : null),
    view.q ? `recherche « ${view.q} »` : null,
  ].filter(Boolean);
  const total = page.total.exact
    ? plural(page.total.value, 'résultat', 'résultats')
    : `plus de ${numberFmt.format(page.total.value)} résultats`;
  const first = (page.page - 1) * QUEUE_PAGE_SIZE + 1;
  const range =
    page.rows.length > 0 && (page.page > 1 || !page.total.exact || page.total.value > QUEUE_PAGE_SIZE)
      ? `, ${first} à ${first + page.rows.length - 1} affichés`
      : '';
  const sorted = `triés par ${SORT_LABELS[view.sort].toLowerCase()} (ordre ${ORDER_LABELS[view.order].toLowerCase()})`;
  return `${parts.join(' — ')} : ${total}${range}, ${sorted}`;
}

function emptyMessage(view: QueueView): string {
  if (view.q)
    return `Aucun usager ne correspond à « ${view.q} » parmi les ${STATE_FILTER_NOUNS[view.state]}. Vérifiez l’orthographe, cherchez une partie du nom seulement, ou choisissez « ${STATE_FILTER_LABELS.tous} ».`;
  if (view.state === 'a_valider' || view.state === 'reinscriptions')
    return `Aucune ${view.state === 'a_valider' ? 'demande' : 'réinscription'} n’attend de décision : tout est à jour.`;
  if (view.state === 'en_retard') return 'Aucune demande en retard.';
  return `Aucun usager dans cet état (${STATE_FILTER_LABELS[view.state].toLowerCase()}).`;
}

function QueueTable(props: {
  view: QueueView;
  page: QueuePage;
  libraries: readonly Library[];
  now: Date;
  settings: NetworkSettings;
  actor: StaffActor;
}) {
  const { view, page } = props;
  if (page.rows.length === 0)
    return (
      <div class="fr-callout fr-mb-4w">
        <p class="fr-callout__text" role="status">
          {emptyMessage(view)}
        </p>
      </div>
    );
  const today = parisDay(props.now);
  const selectable = page.rows.some(selectableRow);
  return (
    <>
      <DsfrTable class="fr-table--bordered fr-table--multiline sesame-queue-table">
        <table>
          <caption>{caption(view, page, props.libraries)}</caption>
          <thead>
            <tr>
              <th scope="col">
                <span class="fr-sr-only">Sélection</span>
              </th>
              <th scope="col">Nom et prénom</th>
              <th scope="col">Identifiant et courriel</th>
              <th scope="col">Naissance</th>
              <th scope="col">Bibliothèque</th>
              <th scope="col">Demande et attente</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <QueueLine row={r} today={today} now={props.now} settings={props.settings} />
            ))}
          </tbody>
        </table>
      </DsfrTable>
      {selectable && <BulkDecisionBar actor={props.actor} />}
    </>
  );
}

/** An address may break before its @ (and anywhere if still too long), never widening the list. */
function EmailAddress({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at <= 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

/** Rows the bulk bar can act on: requests to decide, and subscriptions whose rights can be renewed. */
function selectableRow(r: QueueRow): boolean {
  return isAwaitingDecision(r.state) || (RENEWABLE.includes(r.state) && r.anonymisedAt === null);
}

function QueueLine({
  row: r,
  today,
  now,
  settings,
}: {
  row: QueueRow;
  today: { year: number; month: number; day: number };
  now: Date;
  settings: NetworkSettings;
}) {
  const name = patronName(r);
  const listName = r.lastName || r.firstName ? [r.lastName, r.firstName].filter(Boolean).join(' ') : name;
  const waiting = isAwaitingDecision(r.state);
  const selectable = selectableRow(r);
  const days = daysWaiting(r.pendingSince, now);
  const reason = reasonLabel(r);
  return (
    <tr>
      <td>
        {selectable && (
          <div class="fr-checkbox-group fr-checkbox-group--sm">
            <input type="checkbox" id={`selection-${r.id}`} name="ids" value={r.id} />
            <label class="fr-label" for={`selection-${r.id}`}>
              <span class="fr-sr-only">Sélectionner {name}</span>
            </label>
          </div>
        )}
      </td>
      <th scope="row">
        <a href={`${QUEUE_URL}/${r.id}`}>{listName}</a>
      </th>
      <td>
        {r.identifier ?? '—'}
        <br />
        <span class="sesame-break">{r.email ? <EmailAddress email={r.email} /> : '—'}</span>
        {!r.emailConfirmedAt && <p class="fr-text--xs fr-mb-0">Courriel non confirmé</p>}
      </td>
      <td>
        {r.birthDate ? (
          <>
            {frenchDay(r.birthDate)}
            <br />
            <span class="fr-text--xs">{plural(ageOn(r.birthDate, today), 'an', 'ans')}</span>
          </>
        ) : (
          `Année ${r.birthYear}`
        )}
      </td>
      <td>{r.libraryName}</td>
      <td>
        {formatDate(r.registeredAt)}
        {waiting && (
          <>
            <br />
            en attente depuis {plural(days, 'jour', 'jours')}
            {isOverdue(r.pendingSince, now, settings) && (
              <p class="fr-badge fr-badge--sm fr-badge--warning fr-mt-1v">En retard</p>
            )}
          </>
        )}
      </td>
      <td>
        <StateBadge state={r.state} activeUntil={r.activeUntil} small />
        {r.state === 'renewal_pending' && r.activeUntil && (
          <p class="fr-text--xs fr-mb-0 fr-mt-1v">Actif jusqu’au {frenchDay(r.activeUntil)}</p>
        )}
        {reason && <p class="fr-text--xs fr-mb-0 fr-mt-1v">Motif : {reason}</p>}
      </td>
    </tr>
  );
}

/** DSFR pagination; criteria kept. Without an exact total, "next" is offered while pages are full. */
function Pagination({ view, page }: { view: QueueView; page: QueuePage }) {
  const hasNext = page.page < page.pageCount || (!page.total.exact && page.rows.length === QUEUE_PAGE_SIZE);
  if (page.page === 1 && !hasNext) return null;
  const last = page.total.exact ? page.pageCount : null;
  const around = new Set<number>([1, page.page - 1, page.page, page.page + 1]);
  if (last) around.add(last);
  const numbers = [...around].filter((n) => n >= 1 && (last === null || n <= last)).sort((a, b) => a - b);
  const link = (n: number) => queueHref(view, { page: n });
  const items: Array<number | 'gap'> = [];
  for (const n of numbers) {
    const prev = items[items.length - 1];
    if (typeof prev === 'number' && n > prev + 1) items.push('gap');
    items.push(n);
  }
  return (
    <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
      <ul class="fr-pagination__list">
        <li>
          {page.page > 1 ? (
            <a class="fr-pagination__link fr-pagination__link--first" href={link(1)}>
              Première page
            </a>
          ) : (
            <a class="fr-pagination__link fr-pagination__link--first" aria-disabled="true" role="link">
              Première page
            </a>
          )}
        </li>
        <li>
          {page.page > 1 ? (
            <a
              class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
              href={link(page.page - 1)}
            >
              Page précédente
            </a>
          ) : (
            <a
              class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
              aria-disabled="true"
              role="link"
            >
              Page précédente
            </a>
          )}
        </li>
        {items.map((n) =>
          n === 'gap' ? (
            <li>
              <span class="fr-pagination__link fr-hidden fr-unhidden-lg">…</span>
            </li>
          ) : (
            <li>
              {n === page.page ? (
                <a class="fr-pagination__link" aria-current="page" title={`Page ${n}`}>
                  {n}
                </a>
              ) : (
                <a class="fr-pagination__link" href={link(n)} title={`Page ${n}`}>
                  {n}
                </a>
              )}
            </li>
          ),
        )}
        <li>
          {hasNext ? (
            <a
              class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
              href={link(page.page + 1)}
            >
              Page suivante
            </a>
          ) : (
            <a
              class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
              aria-disabled="true"
              role="link"
            >
              Page suivante
            </a>
          )}
        </li>
        {last !== null && (
          <li>
            {page.page < last ? (
              <a class="fr-pagination__link fr-pagination__link--last" href={link(last)}>
                Dernière page
              </a>
            ) : (
              <a class="fr-pagination__link fr-pagination__link--last" aria-disabled="true" role="link">
                Dernière page
              </a>
            )}
          </li>
        )}
      </ul>
    </nav>
  );
}
