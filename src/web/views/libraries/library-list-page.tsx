import type { LibraryList, LibraryListQuery } from '../../../usecases/network/library-list.js';
import { ActiveBadge, ButtonLinks, PageHeading } from '../components/admin-page.js';
import { DataTable, ListFilters, Pagination, ResultCount } from '../components/list.js';
import { LIBRARIES_URL } from './library-fields.js';

/** The list URL with these criteria (empty ones left out, page 1 implied). */
export function libraryListHref(query: LibraryListQuery, page = query.page): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.etat) params.set('etat', query.etat);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `${LIBRARIES_URL}?${s}` : LIBRARIES_URL;
}

/** "/admin/bibliotheques": the network's libraries for administrators, one's own for library staff. */
export function LibraryListPage(props: {
  title: string;
  admin: boolean;
  query: LibraryListQuery;
  list: LibraryList;
}) {
  const { title, admin, query, list } = props;
  const filtered = Boolean(query.q || query.etat);
  return (
    <>
      <PageHeading trail={[]} title={title} />
      {admin && (
        <ButtonLinks
          class="fr-mb-2w"
          links={[
            {
              href: `${LIBRARIES_URL}/nouvelle`,
              label: 'Ajouter une bibliothèque',
              icon: 'fr-icon-add-line',
            },
            {
              href: `${LIBRARIES_URL}/import`,
              label: 'Importer un fichier CSV',
              icon: 'fr-icon-upload-line',
              secondary: true,
            },
          ]}
        />
      )}
      {admin && (
        <ListFilters
          action={LIBRARIES_URL}
          search={{ value: query.q, hint: 'Nom, commune ou début du code.' }}
          selects={[
            {
              name: 'etat',
              label: 'État',
              value: query.etat ?? '',
              options: [
                { value: '', label: 'Toutes' },
                { value: 'actives', label: 'Actives' },
                { value: 'desactivees', label: 'Désactivées' },
              ],
            },
          ]}
          filtered={filtered}
        />
      )}
      <ResultCount
        count={list.total}
        noun={{ one: 'bibliothèque', many: 'bibliothèques' }}
        empty="Aucune bibliothèque pour le moment."
        emptyFiltered="Aucune bibliothèque ne correspond à ces critères."
        filtered={filtered}
      />
      {list.libraries.length > 0 && (
        <DataTable
          caption={list.pageCount > 1 ? `${title}, page ${list.page} sur ${list.pageCount}` : title}
          headers={['Code', 'Nom', 'Commune', 'Courriel de notification', 'État']}
        >
          {list.libraries.map((l) => (
            <tr>
              <td>{l.code}</td>
              <th scope="row">
                <a href={`${LIBRARIES_URL}/${l.id}`}>{l.name}</a>
              </th>
              <td>{l.town}</td>
              <td>{l.email}</td>
              <td>
                <ActiveBadge active={l.active} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pagination current={list.page} last={list.pageCount} href={(page) => libraryListHref(query, page)} />
    </>
  );
}
