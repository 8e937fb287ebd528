import type { ComponentChildren } from 'preact';
import type { EmailChangeOutcome } from '../../../usecases/account/change-email.js';
import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import { CentredPage } from './account-frame.js';

/**
 * What following the confirmation link of a new address gave: its title, the HTTP status that
 * goes with it, and what to do next.
 */
export function emailOutcome(
  outcome: EmailChangeOutcome,
  loggedIn: boolean,
): { title: string; status: number; body: ComponentChildren } {
  const next = (
    <ButtonLinks
      links={[
        loggedIn
          ? { href: ACCOUNT_URLS.home, label: 'Mon compte' }
          : { href: `/connexion?suite=${encodeURIComponent(ACCOUNT_URLS.email)}`, label: 'Se connecter' },
      ]}
    />
  );
  switch (outcome.status) {
    case 'changed':
      return {
        title: 'Votre nouvelle adresse est confirmée',
        status: 200,
        body: (
          <>
            <Notice kind="success" class="fr-mb-4w" role="status">
              <p>
                Votre compte utilise désormais l’adresse <strong>{outcome.email}</strong>.
              </p>
            </Notice>
            <p>
              Les courriels vous seront envoyés à cette adresse, et vous pouvez l’utiliser pour vous
              connecter.
            </p>
            {next}
          </>
        ),
      };
    case 'used':
      return {
        title: 'Ce lien a déjà servi',
        status: 410,
        body: (
          <>
            <p>
              Ce lien de confirmation a déjà été utilisé, ou remplacé par une demande plus récente. Si vous
              l’avez déjà suivi, votre adresse est modifiée : vérifiez-la dans « Mon compte ».
            </p>
            <p>Sinon, demandez de nouveau le changement d’adresse depuis « Mon compte ».</p>
            {next}
          </>
        ),
      };
    case 'expired':
      return {
        title: 'Ce lien a expiré',
        status: 410,
        body: (
          <>
            <p>
              Le délai pour confirmer votre nouvelle adresse est dépassé : votre adresse n’a pas changé.
              Connectez-vous et demandez de nouveau le changement dans « Mon compte » ; un nouveau lien vous
              sera envoyé.
            </p>
            {next}
          </>
        ),
      };
    case 'taken':
      return {
        title: 'Cette adresse est déjà utilisée',
        status: 409,
        body: (
          <>
            <p>
              Entre-temps, cette adresse est devenue celle d’un autre compte : votre adresse n’a pas changé.
              Choisissez-en une autre dans « Mon compte », ou adressez-vous à votre bibliothèque.
            </p>
            {next}
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
              Ce lien n’est pas valide : vérifiez qu’il est complet, en le copiant depuis le courriel reçu si
              besoin.
            </p>
            {next}
          </>
        ),
      };
  }
}

export function EmailConfirmationPage(props: { title: string; children: ComponentChildren }) {
  return <CentredPage title={props.title}>{props.children}</CentredPage>;
}
