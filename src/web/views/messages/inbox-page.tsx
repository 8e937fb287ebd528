import { THREAD_STATE_LABELS, type ThreadState } from '../../../domain/messages.js';
import { formatDateTime } from '../../../domain/paris.js';
import type { Inbox } from '../../../usecases/messages/staff-inbox.js';
import { PageHeading } from '../components/admin-page.js';
import { DataTable, Pagination } from '../components/list.js';
import { ThreadStateBadge } from './thread-messages.js';

export const INBOX_URL = '/admin/messages';

function inboxHref(inbox: Pick<Inbox, 'state' | 'inbox'>, page = 1): string {
  const q = new URLSearchParams();
  if (inbox.state) q.set('etat', inbox.state);
  if (inbox.inbox) q.set('boite', inbox.inbox);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${INBOX_URL}?${s}` : INBOX_URL;
}

/** "Messages": what patrons wrote to the library (and, for the network, to support). */
export function InboxPage({ inbox }: { inbox: Inbox }) {
  const all = inbox.counts.new + inbox.counts.answered + inbox.counts.closed;
  return (
    <>
      <PageHeading trail={[]} title="Messages" />
      <p>
        {inbox.isAdmin
          ? 'Les questions posées au support technique et les messages écrits aux bibliothèques du réseau. Un message resté sans réponse de sa bibliothèque au-delà du délai du réseau peut être pris en charge ; il figure aussi dans « En retard ».'
          : 'Les messages que vos usagers vous ont écrits depuis « Écrire à ma médiathèque ». Votre réponse leur est envoyée par courriel et s’affiche dans leur compte.'}
      </p>
      <form method="get" action={INBOX_URL} class="fr-mb-4w">
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div class="fr-col-12 fr-col-md-4">
            <div class="fr-select-group">
              <label class="fr-label" for="filtre-etat">
                État
              </label>
              <select class="fr-select" id="filtre-etat" name="etat">
                <option value="" selected={!inbox.state}>
                  Tous ({all})
                </option>
                {(Object.keys(THREAD_STATE_LABELS) as ThreadState[]).map((s) => (
                  <option value={s} selected={inbox.state === s}>
                    {THREAD_STATE_LABELS[s]} ({inbox.counts[s]})
                  </option>
                ))}
              </select>
            </div>
          </div>
          {inbox.libraries && (
            <div class="fr-col-12 fr-col-md-5">
              <div class="fr-select-group">
                <label class="fr-label" for="filtre-boite">
                  Boîte de réception
                </label>
                <select class="fr-select" id="filtre-boite" name="boite">
                  <option value="" selected={!inbox.inbox}>
                    Toutes
                  </option>
                  <option value="support" selected={inbox.inbox === 'support'}>
                    Support technique du réseau
                  </option>
                  {inbox.libraries.map((l) => (
                    <option value={l.id} selected={inbox.inbox === l.id}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          )}
          <div class="fr-col-12 fr-col-md-3">
            <button type="submit" class="fr-btn fr-btn--secondary">
              Filtrer
            </button>
          </div>
        </div>
      </form>
      {inbox.total === 0 ? (
        <p>Aucun message{inbox.state ? ` dans l’état « ${THREAD_STATE_LABELS[inbox.state]} »` : ''}.</p>
      ) : (
        <>
          <DataTable
            caption={`Messages : ${inbox.total}`}
            headers={['Objet', 'De', inbox.isAdmin ? 'Boîte' : 'Bibliothèque', 'État', 'Dernier message']}
          >
            {inbox.rows.map((t) => (
              <tr>
                <td>
                  <a href={`${INBOX_URL}/${t.id}`} class="sesame-break">
                    {t.unread ? <strong>{t.subject}</strong> : t.subject}
                  </a>
                  {t.unread && <span class="fr-hint-text">Non lu</span>}
                  {inbox.overdueIds.includes(t.id) && (
                    <p class="fr-badge fr-badge--sm fr-badge--warning fr-mt-1w">En retard</p>
                  )}
                </td>
                <td class="sesame-break">{t.authorName ?? t.email}</td>
                <td>{t.kind === 'support' ? 'Support technique' : t.libraryName}</td>
                <td>
                  <ThreadStateBadge state={t.state} />
                </td>
                <td>{formatDateTime(t.lastMessageAt)}</td>
              </tr>
            ))}
          </DataTable>
          <Pagination current={inbox.page} last={inbox.pageCount} href={(n) => inboxHref(inbox, n)} />
        </>
      )}
    </>
  );
}
