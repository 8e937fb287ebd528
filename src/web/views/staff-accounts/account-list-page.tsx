import { ROLE_LABELS } from '../../../domain/actor.js';
import type { StaffWithNames } from '../../../usecases/network/staff-account-pages.js';
import { ButtonLinks, PageHeading } from '../components/admin-page.js';
import { DataTable, ResultCount } from '../components/list.js';
import { AccountBadge } from '../staff/account-badge.js';
import { STAFF_ACCOUNTS_URL } from './account-fields.js';

export function AccountListPage({ accounts }: { accounts: StaffWithNames[] }) {
  return (
    <>
      <PageHeading trail={[]} title="Comptes du personnel" />
      <ButtonLinks
        links={[
          { href: `${STAFF_ACCOUNTS_URL}/nouveau`, label: 'Créer un compte', icon: 'fr-icon-add-line' },
        ]}
      />
      <ResultCount count={accounts.length} noun={{ one: 'compte', many: 'comptes' }} empty="0 compte" />
      <DataTable
        caption="Comptes des bibliothèques et de l’administration du réseau"
        headers={['Identifiant', 'Nom', 'Courriel', 'Rôle', 'Bibliothèques', 'État']}
      >
        {accounts.map((s) => (
          <tr>
            <td>
              <a href={`${STAFF_ACCOUNTS_URL}/${s.id}`}>{s.identifier}</a>
            </td>
            <th scope="row">
              <a href={`${STAFF_ACCOUNTS_URL}/${s.id}`}>{s.name}</a>
            </th>
            <td>{s.email}</td>
            <td>{ROLE_LABELS[s.role]}</td>
            <td>{s.role === 'network_admin' ? 'Toutes' : s.libraryNames.join(', ') || '—'}</td>
            <td>
              <AccountBadge staff={s} />
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
