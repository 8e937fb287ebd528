import { CentredPage } from './account-frame.js';

export const ACCOUNT_DELETED_TITLE = 'Votre compte a été supprimé';

export function AccountDeletedPage() {
  return (
    <CentredPage title={ACCOUNT_DELETED_TITLE}>
      <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
        <p>Vos données personnelles ont été effacées et votre bibliothèque a été prévenue.</p>
      </div>
      <p>
        Les ressources libres restent consultables sans compte. Pour accéder de nouveau aux autres ressources,
        il vous faudra vous réinscrire.
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/">
            Retour à l’accueil
          </a>
        </li>
      </ul>
    </CentredPage>
  );
}
