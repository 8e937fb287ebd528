/** The network's contact details (network settings), as the footer and the help page show them. */
export interface NetworkContact {
  address: string;
  phones: string;
  email: string;
  hours: string;
}

export function hasContact(c: NetworkContact | null | undefined): c is NetworkContact {
  return Boolean(c && (c.address || c.phones || c.email || c.hours));
}

/** "UN SOUCI ? UNE QUESTION ?": address, phones, e-mail and hours, each only when set. */
export function ContactLines({ contact }: { contact: NetworkContact }) {
  return (
    <>
      {contact.address && (
        <p class="fr-mb-1v">
          <span class="fr-sr-only">Adresse : </span>
          {contact.address}
        </p>
      )}
      {contact.phones && <p class="fr-mb-1v">Téléphone : {contact.phones}</p>}
      {contact.email && (
        <p class="fr-mb-1v">
          Courriel : <a href={`mailto:${contact.email}`}>{contact.email}</a>
        </p>
      )}
      {contact.hours && <p class="fr-mb-1v">Horaires : {contact.hours}</p>}
    </>
  );
}
