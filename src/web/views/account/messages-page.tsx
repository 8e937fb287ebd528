import type { ThreadDetail } from '../../../db/repositories/messages.js';
import { formatDateTime } from '../../../domain/paris.js';
import { type listMessages, MESSAGES_PER_PAGE } from '../../../usecases/account/patron-messages.js';
import { PATRON_THREAD_URL } from '../../../usecases/messages/thread-words.js';
import { DataTable, Pagination } from '../components/list.js';
import { ThreadStateBadge } from '../messages/thread-messages.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import { AccountFrame, BackToAccount } from './account-frame.js';

type MessageList = Awaited<ReturnType<typeof listMessages>>;

/**
 * "Mes messages": the patron's conversations with their library and support, then the e-mails
 * they received, newest first, a page at a time.
 */
export function MessagesPage({ list, threads = [] }: { list: MessageList; threads?: ThreadDetail[] }) {
  const first = (list.page - 1) * MESSAGES_PER_PAGE + 1;
  return (
    <AccountFrame title="Mes messages" crumb="Mes messages">
      <section class="fr-mb-6w" aria-labelledby="conversations-titre">
        <h2 id="conversations-titre">Mes conversations</h2>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn" href={`${ACCOUNT_URLS.messages}/ecrire`}>
              Écrire à ma médiathèque
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/aide/contact">
              Poser une question au support technique
            </a>
          </li>
        </ul>
        {threads.length === 0 ? (
          <p>Vous n’avez encore écrit ni à votre médiathèque ni au support technique.</p>
        ) : (
          <DataTable caption="Vos conversations" headers={['Objet', 'Avec', 'État', 'Dernier message']}>
            {threads.map((t) => (
              <tr>
                <td>
                  <a class="sesame-break" href={`${PATRON_THREAD_URL}/${t.id}`}>
                    {t.subject}
                  </a>
                </td>
                <td>{t.kind === 'library' ? t.libraryName : 'Support technique'}</td>
                <td>
                  <ThreadStateBadge state={t.state} />
                </td>
                <td>{formatDateTime(t.lastMessageAt)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <h2>Courriels reçus</h2>
      {list.total === 0 ? (
        <p>Vous n’avez encore reçu aucun courriel.</p>
      ) : (
        <>
          <p>
            Les courriels que vous avez reçus, du plus récent au plus ancien. Par sécurité, les liens à usage
            unique (mot de passe, confirmation d’adresse) ne s’affichent que dans le courriel lui-même.
          </p>
          <DataTable
            caption={
              list.total > 1
                ? `Messages ${first} à ${first + list.rows.length - 1} sur ${list.total}`
                : 'Votre message'
            }
            headers={['Date', 'Objet', 'Envoyé à']}
          >
            {list.rows.map((m) => (
              <tr>
                <td>{formatDateTime(m.createdAt)}</td>
                <td>
                  <a href={`${ACCOUNT_URLS.messages}/${m.id}`}>{m.subject}</a>
                </td>
                <td class="sesame-break">{m.toAddress}</td>
              </tr>
            ))}
          </DataTable>
          <Pagination
            current={list.page}
            last={list.pageCount}
            href={(n) => (n > 1 ? `${ACCOUNT_URLS.messages}?page=${n}` : ACCOUNT_URLS.messages)}
          />
        </>
      )}
      <BackToAccount />
    </AccountFrame>
  );
}
