import type { LibraryList } from '../../../usecases/network/library-list.js';
import { Pagination } from '../components/list.js';
import { DsfrTable } from '../components/table.js';
import { Breadcrumb } from '../layout.js';

export const DIRECTORY_URL = '/bibliotheques';

/** A page of the directory, keeping the search. */
export function directoryHref(q: string, page: number): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${DIRECTORY_URL}?${query}` : DIRECTORY_URL;
}

/** "Bibliothèques du réseau" for anyone: a search by name or town, 50 libraries a page. */
export function LibraryDirectoryPage({ q, list }: { q: string; list: LibraryList }) {
  const { libraries, total, page, pageCount } = list;
  return (
    <>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Bibliothèques du réseau' }]} />
      <h1>Bibliothèques du réseau</h1>
      <form method="get" action={DIRECTORY_URL} role="search" class="fr-mb-4w">
        <div class="fr-search-bar">
          <label class="fr-label" for="recherche-bibliotheque">
            Rechercher une bibliothèque par nom ou par commune
          </label>
          <input
            class="fr-input"
            id="recherche-bibliotheque"
            type="search"
            name="q"
            value={q}
            placeholder="Nom ou commune"
          />
          <button type="submit" class="fr-btn" title="Rechercher">
            Rechercher
          </button>
        </div>
      </form>
      <p role="status">
        {total === 0
          ? 'Aucune bibliothèque ne correspond à votre recherche.'
          : `${total.toLocaleString('fr-FR')} bibliothèque${total > 1 ? 's' : ''}${pageCount > 1 ? ` — page ${page} sur ${pageCount}` : ''}`}
      </p>
      {libraries.length > 0 && (
        <DsfrTable>
          <table>
            <caption class="fr-sr-only">Bibliothèques du réseau</caption>
            <thead>
              <tr>
                <th scope="col">Bibliothèque</th>
                <th scope="col">Commune</th>
                <th scope="col">Contact</th>
              </tr>
            </thead>
            <tbody>
              {libraries.map((l) => (
                <tr>
                  <td>{l.name}</td>
                  <td>{l.town}</td>
                  <td>
                    <a href={`mailto:${l.email}`}>{l.email}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </DsfrTable>
      )}
      <Pagination current={page} last={pageCount} href={(n) => directoryHref(q, n)} />
    </>
  );
}
