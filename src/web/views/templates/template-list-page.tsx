import type { StoredTemplate } from '../../../db/repositories/response-templates.js';
import { formatDateTime } from '../../../domain/paris.js';
import { PageHeading } from '../components/admin-page.js';
import { DsfrTable } from '../components/table.js';
import { subjectLabel, templateUrl, templateUse } from './template-words.js';

function TemplateTable({ caption, templates }: { caption: string; templates: StoredTemplate[] }) {
  const first = templates[0];
  return (
    <DsfrTable class="fr-table--no-caption-mobile">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Modèle</th>
            <th scope="col">Utilisé pour</th>
            <th scope="col">{first ? subjectLabel(first) : 'Objet'}</th>
            <th scope="col">Texte</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {templates.map((t) => (
            <tr>
              <th scope="row">{t.label}</th>
              <td>{templateUse(t)}</td>
              <td>{t.subject}</td>
              <td>
                {t.customised && t.updatedAt
                  ? `Modifié par ${t.updatedBy} le ${formatDateTime(t.updatedAt)}`
                  : 'Texte d’origine'}
              </td>
              <td>
                <a class="fr-link" href={templateUrl(t.key)} aria-label={`Modifier le modèle « ${t.label} »`}>
                  Modifier
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </DsfrTable>
  );
}

export function TemplateListPage({ templates }: { templates: StoredTemplate[] }) {
  const decisions = templates.filter((t) => t.kind !== 'message');
  const replies = templates.filter((t) => t.kind === 'message');
  return (
    <>
      <PageHeading trail={[]} title="Modèles de réponse" />
      <p>
        Ces textes préremplissent la « Réponse à l’utilisateur » quand une bibliothèque accepte ou refuse une
        demande. Elle peut encore les modifier avant l’envoi. Balises remplacées pour chaque usager :
        [prenom], [nom_destinataire], [actif-jusquau] (date de fin d’abonnement), [identifiant], ainsi que
        [reseau] (nom du réseau).
      </p>
      <TemplateTable caption="Modèles de réponse aux demandes" templates={decisions} />
      <h2 class="fr-mt-6w" id="reponses-enregistrees">
        Réponses enregistrées des Messages
      </h2>
      <p>
        Proposées aux bibliothèques et au support quand ils répondent à un message : le texte choisi
        préremplit la réponse, modifiable avant l’envoi. Balises : [reseau] (nom du réseau) et [bibliotheque]
        (signature de qui répond : la bibliothèque, ou le support du réseau).
      </p>
      <TemplateTable caption="Réponses enregistrées" templates={replies} />
    </>
  );
}
