import { ContactLines, hasContact, type NetworkContact } from '../components/contact-block.js';

/** "Un souci ? Une question ?": the library first, then the support form and the network's contact. */
export function HelpContact(props: {
  networkName: string;
  contact?: NetworkContact | null;
  /** On /aide: point to the step-by-step guide first. */
  guide?: boolean;
  /** Staff: their own help pages. */
  staff?: boolean;
}) {
  return (
    <section class="fr-mb-4w" aria-labelledby="nous-contacter">
      {props.guide && (
        <ul>
          <li>
            Pas à pas, de la demande d’accès au renouvellement : lisez le{' '}
            <a href="/aide/mode-d-emploi">mode d’emploi</a>.
          </li>
          <li>
            Les réponses aux questions les plus posées : les <a href="/aide/faq">questions fréquentes</a>.
          </li>
          {props.staff && (
            <li>
              Pour les équipes des bibliothèques : l’<a href="/admin/aide">aide pour les bibliothèques</a> et
              la <a href="/admin/aide/idees">Boîte à idées numériques</a>.
            </li>
          )}
        </ul>
      )}
      <h2 id="nous-contacter">Un souci ? Une question ?</h2>
      <p>
        Pour une question sur votre inscription, adressez-vous d’abord à votre bibliothèque (
        <a href="/bibliotheques">liste des bibliothèques du réseau</a>). Pour un problème technique, vous
        pouvez nous écrire par <a href="/aide/contact">ce formulaire</a>.
      </p>
      {hasContact(props.contact) && (
        <div class="fr-callout">
          <p class="fr-callout__title">{props.networkName}</p>
          <ContactLines contact={props.contact} />
        </div>
      )}
    </section>
  );
}
