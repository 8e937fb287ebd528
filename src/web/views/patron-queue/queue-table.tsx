import type { Library } from '../../../db/repositories/libraries.js';
import type { StaffActor } from '../../../domain/actor.js';
import { formatDate, parisDay } from '../../../domain/paris.js';
import {
  ageOn,
  daysWaiting,
  frenchDay,
  isAwaitingDecision,
  isOverdue,
} from '../../../domain/patron-lifecycle.js';
import { QUEUE_PAGE_SIZE } from '../../../domain/patron-queue.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { PatronQueueData, QueueLineData, QueueView } from '../../../usecases/patrons/patron-queue.js';
import { DataTable } from '../components/list.js';
import { patronName, reasonLabel, StateBadge } from '../patrons/patron-display.js';
import { BulkDecisionBar } from './bulk-decision-bar.js';
import {
  numberFmt,
  ORDER_LABELS,
  plural,
  QUEUE_URL,
  SORT_LABELS,
  STATE_FILTER_LABELS,
  STATE_FILTER_NOUNS,
} from './queue-criteria.js';

type QueuePage = PatronQueueData['page'];

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

/** The page of patrons with a box to tick on each line the bulk bar (under it) can act on. */
export function QueueTable(props: {
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
  return (
    <>
      <DataTable
        class="fr-table--bordered fr-table--multiline sesame-queue-table"
        caption={caption(view, page, props.libraries)}
        headers={[
          <span class="fr-sr-only">Sélection</span>,
          'Nom et prénom',
          'Identifiant et courriel',
          'Naissance',
          'Bibliothèque',
          'Demande et attente',
          'État',
        ]}
      >
        {page.rows.map((r) => (
          <QueueLine row={r} today={today} now={props.now} settings={props.settings} />
        ))}
      </DataTable>
      {page.rows.some((r) => r.selectable) && <BulkDecisionBar actor={props.actor} />}
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

function QueueLine({
  row: r,
  today,
  now,
  settings,
}: {
  row: QueueLineData;
  today: { year: number; month: number; day: number };
  now: Date;
  settings: NetworkSettings;
}) {
  const name = patronName(r);
  const listName = r.lastName || r.firstName ? [r.lastName, r.firstName].filter(Boolean).join(' ') : name;
  const waiting = isAwaitingDecision(r.state);
  const days = daysWaiting(r.pendingSince, now);
  const reason = reasonLabel(r);
  return (
    <tr>
      <td>
        {r.selectable && (
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
