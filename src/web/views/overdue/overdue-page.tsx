import type { ThreadSummary } from '../../../db/repositories/messages.js';
import type { OverdueRequest } from '../../../db/repositories/overdue-requests.js';
import { daysOverdue } from '../../../domain/decision-rules.js';
import { formatDate, formatDateTime } from '../../../domain/paris.js';
import { daysWaiting, STATE_BADGES, STATE_LABELS } from '../../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { OverdueList } from '../../../usecases/patrons/list-overdue.js';
import { PageHeading } from '../components/admin-page.js';
import { Form } from '../components/forms.js';
import { DataTable, FilterSelect } from '../components/list.js';

export const OVERDUE_URL = '/admin/retards';
export const OVERDUE_TITLE = 'Demandes en retard';

const days = (n: number) => `${n} jour${n > 1 ? 's' : ''}`;

function name(r: OverdueRequest): string {
  return [r.firstName, r.lastName].filter(Boolean).join(' ') || r.identifier || 'Usager';
}

/** A warning or reminder only counts for the current wait (not an earlier request's). */
function since(at: Date | null, r: OverdueRequest): Date | null {
  return at && at.getTime() >= r.pendingSince.getTime() ? at : null;
}

/**
 * "/admin/retards": requests waiting for their library beyond the network's delay, per library,
 * with what was done about each and the ways to act (`actorName` decides on their behalf).
 */
export function OverduePage(props: { list: OverdueList; actorName: string; csrf: string }) {
  const { summary, libraryId, groups, total, shown, settings } = props.list;
  const all = summary.reduce((n, s) => n + s.count, 0);
  const here = libraryId ? `${OVERDUE_URL}?bibliotheque=${libraryId}` : OVERDUE_URL;
  return (
    <>
      <PageHeading trail={[]} title={OVERDUE_TITLE} />
      <p>
        Une demande est en retard quand elle attend la décision de sa bibliothèque depuis plus de{' '}
        {days(settings.escalationDays)}. La bibliothèque reçoit alors une relance automatique. Vous pouvez
        l’avertir, puis décider à sa place depuis la fiche de l’usager : l’historique et la fiche indiqueront
        que la décision a été prise par vous ({props.actorName}) pour la bibliothèque.
      </p>
      {summary.length > 0 && (
        <form method="get" action={OVERDUE_URL} class="fr-mb-4w">
          <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
            <div class="fr-col-12 fr-col-md-6">
              <FilterSelect
                id="filtre-bibliotheque"
                name="bibliotheque"
                label="Bibliothèque"
                value={libraryId ?? ''}
                options={[
                  { value: '', label: `Toutes (${all})` },
                  ...summary.map((s) => ({ value: s.libraryId, label: `${s.libraryName} (${s.count})` })),
                ]}
              />
            </div>
            <div class="fr-col-12 fr-col-md-3">
              <button type="submit" class="fr-btn fr-btn--secondary">
                Filtrer
              </button>
            </div>
          </div>
        </form>
      )}
      {total === 0 ? (
        <div class="fr-alert fr-alert--success">
          <p>Aucune demande en retard : chaque bibliothèque a décidé dans le délai.</p>
        </div>
      ) : (
        <p role="status">
          {total} demande{total > 1 ? 's' : ''} en retard
          {libraryId ? '' : ` dans ${groups.length} bibliothèque${groups.length > 1 ? 's' : ''}`}
          {total > shown ? ` (les ${shown} premières sont affichées : filtrez par bibliothèque)` : ''}.
        </p>
      )}
      {groups.map((list) => (
        <LibraryRequests list={list} now={props.list.now} settings={settings} here={here} csrf={props.csrf} />
      ))}
      <LateMessages
        threads={props.list.lateMessages}
        now={props.list.now}
        settings={settings}
        csrf={props.csrf}
      />
    </>
  );
}

/** Messages written to a library ("Écrire à ma médiathèque") left unanswered beyond the delay. */
function LateMessages(props: {
  threads: ThreadSummary[];
  now: Date;
  settings: NetworkSettings;
  csrf: string;
}) {
  const { threads, now, settings } = props;
  return (
    <section class="fr-mt-6w" aria-labelledby="messages-en-retard">
      <h2 id="messages-en-retard">Messages en retard</h2>
      <p>
        Messages écrits à une bibliothèque (« Écrire à ma médiathèque ») restés sans réponse depuis plus de{' '}
        {days(settings.escalationDays)}. Vous pouvez les prendre en charge et répondre à la place de la
        bibliothèque.
      </p>
      {threads.length === 0 ? (
        <p>Aucun message en retard.</p>
      ) : (
        <DataTable
          caption={`Messages en retard : ${threads.length}`}
          headers={['Objet', 'Bibliothèque', 'En attente depuis', 'Retard', 'Prise en charge']}
        >
          {threads.map((t) => {
            const late = daysOverdue(t.waitingSince!, now, settings);
            return (
              <tr>
                <th scope="row">
                  <a class="sesame-break" href={`/admin/messages/${t.id}`}>
                    {t.subject}
                  </a>
                  <span class="fr-hint-text sesame-break">{t.authorName ?? t.email}</span>
                </th>
                <td>{t.libraryName}</td>
                <td>
                  {formatDate(t.waitingSince!)} ({days(daysWaiting(t.waitingSince, now))})
                </td>
                <td>{late === 0 ? 'moins d’un jour' : days(late)}</td>
                <td>
                  {t.takenOverAt ? (
                    `Prise en charge le ${formatDateTime(t.takenOverAt)}`
                  ) : (
                    <Form action={`/admin/messages/${t.id}/prendre-en-charge`} csrf={props.csrf}>
                      <button
                        type="submit"
                        class="fr-btn fr-btn--sm fr-btn--secondary"
                        title={`Prendre en charge le message « ${t.subject} » à la place de ${t.libraryName}`}
                      >
                        Prendre en charge
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}

function LibraryRequests(props: {
  list: OverdueRequest[];
  now: Date;
  settings: NetworkSettings;
  here: string;
  csrf: string;
}) {
  const { list, now } = props;
  const first = list[0]!;
  const headingId = `bibliotheque-${first.libraryId}`;
  return (
    <section class="fr-mt-6w" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {first.libraryName} ({first.libraryCode})
      </h2>
      <DataTable
        class="fr-table--no-caption"
        caption={`Demandes en retard de ${first.libraryName} : ${list.length}`}
        headers={[
          'Usager',
          'État',
          'En attente depuis',
          'Retard',
          'Relance automatique',
          'Avertissement',
          'Actions',
        ]}
      >
        {list.map((r) => {
          const late = daysOverdue(r.pendingSince, now, props.settings);
          const warned = since(r.lastWarnedAt, r);
          const reminded = since(r.overdueNotifiedAt, r);
          return (
            <tr>
              <th scope="row">
                <a href={`/admin/usagers/${r.id}`}>{name(r)}</a>
                {r.identifier && <span class="fr-hint-text">{r.identifier}</span>}
              </th>
              <td>
                <p class={`fr-badge fr-badge--sm ${STATE_BADGES[r.state]}`}>{STATE_LABELS[r.state]}</p>
              </td>
              <td>
                {formatDate(r.pendingSince)} ({days(daysWaiting(r.pendingSince, now))})
              </td>
              <td>{late === 0 ? 'moins d’un jour' : days(late)}</td>
              <td>{reminded ? `Envoyée le ${formatDate(reminded)}` : 'Pas encore'}</td>
              <td>{warned ? `Avertie le ${formatDateTime(warned)}` : 'Non avertie'}</td>
              <td>
                <Form action={`/admin/usagers/${r.id}/avertir`} csrf={props.csrf}>
                  <input type="hidden" name="retour" value={props.here} />
                  <button
                    type="submit"
                    class="fr-btn fr-btn--sm fr-btn--secondary fr-mb-1w"
                    title={`Avertir ${r.libraryName} du retard de la demande de ${name(r)}`}
                  >
                    Avertir la bibliothèque
                  </button>
                </Form>
                <a
                  class="fr-link fr-link--sm"
                  href={`/admin/usagers/${r.id}#decision`}
                  title={`Décider à la place de ${r.libraryName} pour ${name(r)}`}
                >
                  Décider à sa place
                </a>
              </td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}
