import { formatDateTime } from '../../../domain/paris.js';
import { type listMessages, MESSAGES_PER_PAGE } from '../../../usecases/account/patron-messages.js';
import { DataTable, Pagination } from '../components/list.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import { AccountFrame, BackToAccount } from './account-frame.js';

type MessageList = Awaited<ReturnType<typeof listMessages>>;

/** "Mes messages": the e-mails the patron received, newest first, a page at a time. */
export function MessagesPage({ list }: { list: MessageList }) {
  const first = (list.page - 1) * MESSAGES_PER_PAGE + 1;
  return (
    <AccountFrame title="Mes messages" crumb="Mes messages">
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
