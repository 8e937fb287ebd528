import { ButtonLinks } from '../components/admin-page.js';
import { Notice } from '../components/notice.js';
import { AuthFrame } from './auth-frame.js';

export const DEAD_LINK_TITLE = 'Lien inutilisable';

/** A password link used, expired or unknown: why, and how to get a new one. */
export function DeadPasswordLinkPage({ message }: { message: string }) {
  return (
    <AuthFrame title="Ce lien ne peut plus servir">
      <Notice kind="warning" class="fr-mb-3w">
        <p>{message}</p>
      </Notice>
      <ButtonLinks
        links={[
          { href: '/mot-de-passe-oublie', label: 'Recevoir un nouveau lien' },
          { href: '/connexion', label: 'Se connecter', secondary: true },
        ]}
      />
    </AuthFrame>
  );
}
