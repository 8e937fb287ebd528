import { formatDateTime } from '../../../domain/paris.js';
import type { ContentPage } from '../../../usecases/content/load-content.js';
import { PageHeading } from '../components/admin-page.js';
import { DsfrTable } from '../components/table.js';
import { contentEditUrl } from './content-words.js';

export function ContentListPage({ pages }: { pages: ContentPage[] }) {
  return (
    <>
      <PageHeading trail={[]} title="Pages d’aide et d’information" />
      <p>
        Ces pages sont écrites en Markdown : <code>## Titre</code> pour un thème, <code>### Question</code>{' '}
        pour une question de la FAQ, <code>*italique*</code>, <code>**gras**</code>, listes et liens. Le HTML
        n’est pas interprété.
      </p>
      <DsfrTable class="fr-table--no-caption-mobile">
        <table>
          <caption>Pages modifiables</caption>
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col">Adresse</th>
              <th scope="col">Lecteurs</th>
              <th scope="col">Texte</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((p) => (
              <tr>
                <th scope="row">{p.title}</th>
                <td>
                  <a href={p.url}>{p.url}</a>
                </td>
                <td>{p.staffOnly ? 'Bibliothèques' : 'Public'}</td>
                <td>
                  {p.updatedAt
                    ? `Modifié par ${p.updatedBy} le ${formatDateTime(p.updatedAt)}`
                    : 'Texte d’origine'}
                </td>
                <td>
                  <a
                    class="fr-link"
                    href={contentEditUrl(p.key)}
                    aria-label={`Modifier la page « ${p.title} »`}
                  >
                    Modifier
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </DsfrTable>
    </>
  );
}
