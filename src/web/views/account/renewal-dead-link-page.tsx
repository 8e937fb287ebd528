import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { AccountFrame } from './account-frame.js';

export const RENEWAL_DEAD_LINK_TITLE = 'Ce lien ne peut plus servir';

/**
 * A used, expired or unknown renewal link: what to do instead. Shown before any login, so the
 * person is not asked to log in for a link that cannot work.
 */
export function RenewalDeadLinkPage({ message, loggedIn }: { message: string; loggedIn: boolean }) {
  return (
    <AccountFrame title="Ce lien de renouvellement ne peut plus servir" crumb="Renouvellement">
      <Notice kind="warning" class="fr-mb-3w">
        <p>{message}</p>
      </Notice>
      <p>
        {loggedIn
          ? 'Sur la page « Mon compte », vous voyez l’état de votre abonnement et comment le renouveler.'
          : 'Connectez-vous : sur la page « Mon compte », vous verrez l’état de votre abonnement et comment le renouveler.'}
      </p>
      <ButtonLinks
        links={[
          loggedIn
            ? { href: '/mon-compte', label: 'Aller à Mon compte' }
            : { href: '/connexion?suite=%2Fmon-compte', label: 'Se connecter' },
        ]}
      />
    </AccountFrame>
  );
}
