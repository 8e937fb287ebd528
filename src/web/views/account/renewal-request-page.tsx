import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { hasEnded } from '../../../domain/renewal-rules.js';
import { Form, FormActions } from '../components/forms.js';
import { AccountFrame } from './account-frame.js';

export const RENEWAL_REQUEST_TITLE = 'Demander le renouvellement';

/**
 * "Demander le renouvellement": what happens next, then one button (the POST to `action`).
 * `today` is the Paris day (AAAA-MM-JJ).
 */
export function RenewalRequestPage(props: {
  patron: Pick<PatronWithLibrary, 'activeUntil' | 'libraryName'>;
  today: string;
  action: string;
  csrf: string;
}) {
  const { patron } = props;
  const ended = hasEnded(patron.activeUntil, props.today);
  return (
    <AccountFrame title={RENEWAL_REQUEST_TITLE} crumb="Renouvellement">
      <p class="fr-text--lead">
        {patron.activeUntil
          ? ended
            ? `Votre abonnement a expiré le ${frenchDay(patron.activeUntil)}.`
            : `Votre abonnement court jusqu’au ${frenchDay(patron.activeUntil)}.`
          : 'Votre abonnement a pris fin.'}
      </p>
      <p>
        Votre demande sera transmise à <strong>{patron.libraryName}</strong>, qui vérifiera que votre adhésion
        à la bibliothèque est à jour avant de valider votre réinscription. Vous recevrez un courriel dès sa
        décision.
      </p>
      <p>
        {ended
          ? 'Si elle est acceptée, votre nouvel abonnement commencera le jour de la validation.'
          : 'Si elle est acceptée, la nouvelle période commencera à la fin de l’actuelle : vous ne perdez aucun jour. Votre accès reste ouvert en attendant.'}
      </p>
      <Form action={props.action} csrf={props.csrf}>
        <FormActions submit="Demander le renouvellement" cancelHref="/mon-compte" />
      </Form>
    </AccountFrame>
  );
}
