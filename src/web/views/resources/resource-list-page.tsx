import { AUDIENCE_LABELS } from '../../../domain/resources.js';
import type { AdminResourceLine } from '../../../usecases/resources/catalog-admin.js';
import { ActiveBadge, ButtonLinks, PageHeading } from '../components/admin-page.js';
import { DataTable } from '../components/list.js';
import { CapBadge, CapUseText } from '../network/cap-use.js';
import { ADMIN_RESOURCES_URL } from './resource-form.js';
import { KindBadge } from './resource-kind.js';

/** The network administrators' catalog: every resource, active or not, with its cap use. */
export function ResourceListPage({ lines }: { lines: AdminResourceLine[] }) {
  return (
    <>
      <PageHeading trail={[]} title="Catalogue des ressources" />
      <p>
        Les quotas mensuels par catégorie se règlent dans les{' '}
        <a href="/admin/parametres#groupe-quotas">paramètres du réseau</a> ; un changement s’applique dès
        l’ouverture suivante.
      </p>
      <p>
        Fournisseurs qui vérifient les cartes en SIP2 :{' '}
        <a href="/admin/sip2">comptes SIP2 des fournisseurs</a>.
      </p>
      <ButtonLinks
        class="fr-mb-2w"
        links={[
          {
            href: `${ADMIN_RESOURCES_URL}/nouvelle`,
            label: 'Ajouter une ressource',
            icon: 'fr-icon-add-line',
          },
        ]}
      />
      {lines.length === 0 ? (
        <p>Aucune ressource pour le moment.</p>
      ) : (
        <DataTable
          caption={`${lines.length} ressources, actives et désactivées`}
          headers={['Ressource', 'Type', 'Public', 'Bibliothèques', 'Plafond réseau', 'État']}
        >
          {lines.map(({ resource: r, libraryCount, cap }) => (
            <tr>
              <th scope="row">
                <a href={`${ADMIN_RESOURCES_URL}/${r.id}`}>{r.name}</a>
                <br />
                <span class="fr-text--sm">{r.provider}</span>
              </th>
              <td>
                <KindBadge resource={r} />
              </td>
              <td>
                {AUDIENCE_LABELS[r.audience]}
                {r.underTwelve && (
                  <>
                    <br />
                    Espace jeunesse
                  </>
                )}
              </td>
              <td>
                {libraryCount === null
                  ? 'Toutes'
                  : `${libraryCount} bibliothèque${libraryCount > 1 ? 's' : ''}`}
              </td>
              <td>
                {cap ? (
                  <>
                    <CapUseText cap={cap} />
                    <CapBadge cap={cap} />
                  </>
                ) : (
                  'Aucun'
                )}
              </td>
              <td>
                <ActiveBadge active={r.active} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
