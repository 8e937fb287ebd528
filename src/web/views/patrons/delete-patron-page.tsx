import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { formatDate } from '../../../domain/paris.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { Form, FormActions } from '../components/forms.js';
import { PatronCrumbs, recordUrl } from './edit-patron-page.js';
import { patronName, StateBadge } from './patron-display.js';
import { recordToolUrl } from './patron-tools-panel.js';

export const deletePatronTitle = (patron: PatronWithLibrary) => `Supprimer l’usager ${patronName(patron)}`;

/** What deleting a patron erases and ends, then the confirmation. */
export function DeletePatronPage({ csrf, patron }: { csrf: string; patron: PatronWithLibrary }) {
  const title = deletePatronTitle(patron);
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <PatronCrumbs patron={patron} label="Supprimer" />
        <h1>{title}</h1>
        <p>
          <StateBadge state={patron.state} activeUntil={patron.activeUntil} />
          <span class="fr-ml-1w">
            {patron.libraryName} — inscrit le {formatDate(patron.registeredAt)}
          </span>
        </p>
        <div class="fr-alert fr-alert--warning fr-mb-4w">
          <h2 class="fr-alert__title">La suppression est définitive</h2>
          <p>Dès la confirmation, et sans retour possible :</p>
          <ul>
            <li>
              les données personnelles sont effacées : nom, prénom, courriel, identifiant, mot de passe,
              numéro de carte ; de la date de naissance ne reste que l’année ;
            </li>
            <li>l’usager ne peut plus se connecter ; les liens qu’il a reçus ne fonctionnent plus ;</li>
            <li>
              dans l’historique et les courriels envoyés, son nom et les messages sont effacés ; les faits
              (dates, décisions, bibliothèque) restent pour les statistiques ;
            </li>
            <li>
              {patron.state === 'pending' || patron.state === 'renewal_pending'
                ? 'la demande en attente est close : elle ne sera plus à valider ;'
                : patron.state === 'active'
                  ? 'l’abonnement en cours prend fin aujourd’hui ;'
                  : 'la fiche reste, anonyme, dans les statistiques ;'}
            </li>
            <li>les courriels pas encore partis vers l’usager sont annulés.</li>
          </ul>
          <p>
            Si l’usager veut revenir plus tard, il faudra l’inscrire à nouveau
            {patron.activeUntil && patron.state === 'active'
              ? ` (son abonnement courait jusqu’au ${frenchDay(patron.activeUntil)})`
              : ''}
            .
          </p>
        </div>
        <Form action={recordToolUrl(patron.id, 'supprimer')} csrf={csrf}>
          <FormActions submit="Supprimer définitivement" cancelHref={recordUrl(patron.id)} />
        </Form>
      </div>
    </div>
  );
}
