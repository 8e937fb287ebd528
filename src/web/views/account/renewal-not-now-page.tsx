import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { AccountFrame } from './account-frame.js';

export const RENEWAL_NOT_NOW_TITLE = 'Renouvellement';

/** Nothing to ask (already asked, not due yet, not renewable): why, and the way back. */
export function RenewalNotNowPage({ message }: { message: string }) {
  return (
    <AccountFrame title="Renouvellement de votre abonnement" crumb="Renouvellement">
      <Notice kind="info" class="fr-mb-4w">
        <p>{message}</p>
      </Notice>
      <ButtonLinks links={[{ href: '/mon-compte', label: 'Aller à Mon compte' }]} />
    </AccountFrame>
  );
}
