import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { CentredPage } from './account-frame.js';

export const ACCOUNT_DELETED_TITLE = 'Votre compte a été supprimé';

export function AccountDeletedPage() {
  return (
    <CentredPage title={ACCOUNT_DELETED_TITLE}>
      <Notice kind="success" class="fr-mb-4w" role="status">
        <p>Vos données personnelles ont été effacées et votre bibliothèque a été prévenue.</p>
      </Notice>
      <p>
        Les ressources libres restent consultables sans compte. Pour accéder de nouveau aux autres ressources,
        il vous faudra vous réinscrire.
      </p>
      <ButtonLinks links={[{ href: '/', label: 'Retour à l’accueil' }]} />
    </CentredPage>
  );
}
