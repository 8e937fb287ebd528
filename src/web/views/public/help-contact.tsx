import { ContactLines, hasContact, type NetworkContact } from '../components/contact-block.js';

/** "Un souci ? Une question ?" on /aide: the library first, then the support form and the network's contact. */
export function HelpContact({
  networkName,
  contact,
}: {
  networkName: string;
  contact?: NetworkContact | null;
}) {
  return (
    <section class="fr-mb-4w" aria-labelledby="nous-contacter">
      <h2 id="nous-contacter">Un souci ? Une question ?</h2>
      <p>
        Pour une question sur votre inscription, adressez-vous d’abord à votre bibliothèque (
        <a href="/bibliotheques">liste des bibliothèques du réseau</a>). Pour un problème technique, vous
        pouvez nous écrire par <a href="/aide/contact">ce formulaire</a>.
      </p>
      {hasContact(contact) && (
        <div class="fr-callout">
          <p class="fr-callout__title">{networkName}</p>
          <ContactLines contact={contact} />
        </div>
      )}
    </section>
  );
}
