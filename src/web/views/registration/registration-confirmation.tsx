import type { ComponentChildren } from 'preact';
import { formatDateTime } from '../../../domain/paris.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import type { ConfirmationOutcome } from '../../../usecases/patrons/confirm-registration.js';
import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';

const loginButton = <ButtonLinks links={[{ href: '/connexion', label: 'Se connecter' }]} />;
const registerAgainButton = <ButtonLinks links={[{ href: '/inscription', label: 'S’inscrire à nouveau' }]} />;

/**
 * What following the link of the confirmation e-mail gave: its title, the HTTP status that goes
 * with it, and what to do next.
 */
export function registrationConfirmation(outcome: ConfirmationOutcome): {
  title: string;
  status: number;
  body: ComponentChildren;
} {
  switch (outcome.status) {
    case 'confirmed':
      return {
        title: 'Votre inscription est confirmée',
        status: 200,
        body: (
          <>
            <Notice kind="success" class="fr-mb-4w" role="status">
              <p>Merci, votre adresse électronique est confirmée.</p>
            </Notice>
            <p>
              Vous disposez dès maintenant d’un <strong>compte temporaire</strong> : les contenus en{' '}
              <strong>Accès libre</strong> sont consultables.
            </p>
            <p>
              Les contenus au <strong>Forfait</strong> seront consultables quand votre inscription aura été
              validée par {outcome.libraryName}, qui vérifie votre adhésion et votre date de naissance. Le
              compte temporaire dure au plus {outcome.temporaryAccountDays} jours, jusqu’au{' '}
              {frenchDay(outcome.temporaryUntil)}. Vous recevrez un courriel dès la décision.
            </p>
            {loginButton}
          </>
        ),
      };
    case 'already_confirmed':
      return {
        title: 'Votre inscription est déjà confirmée',
        status: 200,
        body: (
          <>
            <p>
              Ce lien a déjà servi : votre adresse électronique est confirmée, il n’y a rien d’autre à faire.
            </p>
            <p>Connectez-vous avec votre identifiant ou votre adresse électronique.</p>
            {loginButton}
          </>
        ),
      };
    case 'superseded':
      return {
        title: 'Ce lien a été remplacé',
        status: 410,
        body: (
          <Notice kind="warning" class="fr-mb-4w">
            <p>
              Ce lien a déjà été utilisé ou remplacé par un lien plus récent : utilisez le lien du dernier
              courriel reçu (« Rappel : confirmez votre inscription »). Il reste valable jusqu’au{' '}
              {formatDateTime(outcome.deadline)}.
            </p>
          </Notice>
        ),
      };
    case 'expired':
      return {
        title: 'Votre demande a expiré, vous pouvez vous inscrire à nouveau',
        status: 410,
        body: (
          <>
            <p>
              Le délai pour confirmer votre inscription est dépassé : la demande et les données saisies ont
              été supprimées. Pour accéder à la médiathèque numérique, remplissez à nouveau le formulaire
              d’inscription.
            </p>
            {registerAgainButton}
          </>
        ),
      };
    default:
      return {
        title: 'Lien de confirmation inconnu',
        status: 404,
        body: (
          <>
            <p>
              Ce lien de confirmation n’est pas valide : vérifiez qu’il est complet, en le copiant depuis le
              courriel reçu si besoin.
            </p>
            <p>
              S’il date de plus de quelques semaines, votre demande a expiré : vous pouvez vous inscrire à
              nouveau.
            </p>
            {registerAgainButton}
          </>
        ),
      };
  }
}
