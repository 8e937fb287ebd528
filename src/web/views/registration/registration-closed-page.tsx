import { ButtonLinks } from '../components/admin-page.js';
import { PageFrame } from '../components/page.js';
import { REGISTRATION_CRUMBS } from './registration-form-page.js';

export const REGISTRATION_CLOSED_TITLE = 'Inscription en bibliothèque';

/** /inscription when the network does not offer self-registration: the way in is the library. */
export function RegistrationClosedPage() {
  return (
    <PageFrame
      title="L’inscription se fait en bibliothèque"
      breadcrumb={REGISTRATION_CRUMBS}
      cols="fr-col-md-9"
    >
      <p class="fr-text--lead">
        L’inscription en ligne n’est pas proposée : votre bibliothèque vous inscrit elle-même à la médiathèque
        numérique.
      </p>
      <p>
        Présentez-vous à l’accueil de votre bibliothèque avec votre carte d’adhérent. Vous recevrez ensuite
        par courriel un lien pour choisir votre mot de passe.
      </p>
      <ButtonLinks
        links={[
          { href: '/bibliotheques', label: 'Trouver ma bibliothèque' },
          { href: '/connexion', label: 'J’ai déjà un compte', secondary: true },
        ]}
      />
    </PageFrame>
  );
}
