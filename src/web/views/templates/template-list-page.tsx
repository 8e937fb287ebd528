import type { StoredTemplate } from '../../../db/repositories/response-templates.js';
import { formatDateTime } from '../../../domain/paris.js';
import { PageHeading } from '../components/admin-page.js';
import { DsfrTable } from '../components/table.js';
import { templateUrl, USE } from './template-words.js';

export function TemplateListPage({ templates }: { templates: StoredTemplate[] }) {
  return (
    <>
      <PageHeading trail={[]} title="Modèles de réponse" />
      <p>
        Ces textes préremplissent la « Réponse à l’utilisateur » quand une bibliothèque accepte ou refuse une
        demande. Elle peut encore les modifier avant l’envoi. Balises remplacées pour chaque usager :
        [prenom], [nom_destinataire], [actif-jusquau] (date de fin d’abonnement), [identifiant], ainsi que
        [reseau] (nom du réseau).
      </p>
      <DsfrTable class="fr-table--no-caption-mobile">
        <table>
          <caption>Modèles de réponse aux demandes</caption>
          <thead>
            <tr>
              <th scope="col">Modèle</th>
              <th scope="col">Utilisé pour</th>
              <th scope="col">Objet</th>
              <th scope="col">Texte</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {templates.map((t) => (
              <tr>
                <th scope="row">{t.label}</th>
                <td>{USE[t.kind][t.decision]}</td>
                <td>{t.subject}</td>
                <td>
                  {t.customised && t.updatedAt
                    ? `Modifié par ${t.updatedBy} le ${formatDateTime(t.updatedAt)}`
                    : 'Texte d’origine'}
                </td>
                <td>
                  <a
                    class="fr-link"
                    href={templateUrl(t.key)}
                    aria-label={`Modifier le modèle « ${t.label} »`}
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
