import { Fieldset } from '../components/fieldset.js';
import { type FieldErrors, FormActions, FormWithErrors, TextInput } from '../components/forms.js';
import { Notice } from '../components/notice.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import { AccountFrame } from './account-frame.js';

/** "Supprimer mon compte": what is lost, then the password to confirm. */
export function DeleteAccountPage(props: {
  csrf: string;
  patron: { identifier: string | null; libraryName: string };
  errors?: FieldErrors;
}) {
  const { csrf, patron, errors } = props;
  return (
    <AccountFrame title="Supprimer mon compte" crumb="Supprimer mon compte">
      <Notice kind="warning" class="fr-mb-4w" title="La suppression est définitive">
        <p>
          Votre compte {patron.identifier} sera fermé et vos données personnelles effacées aussitôt : nom,
          prénom, adresse électronique, identifiant, mot de passe, date de naissance (seule l’année est
          gardée, pour les statistiques), et le contenu des courriels qui vous ont été envoyés.
        </p>
      </Notice>
      <ul>
        <li>Vous n’aurez plus accès aux ressources numériques, même s’il restait du temps d’abonnement.</li>
        <li>
          Votre bibliothèque, {patron.libraryName}, sera prévenue de la suppression (avec vos nom et
          identifiant, qu’elle connaît déjà).
        </li>
        <li>Pour revenir plus tard, il faudra vous réinscrire.</li>
      </ul>
      <p>
        Vous souhaitez garder une copie de vos données ?{' '}
        <a href={ACCOUNT_URLS.data}>Téléchargez-les d’abord</a>.
      </p>
      <FormWithErrors
        action={ACCOUNT_URLS.delete}
        csrf={csrf}
        errors={errors}
        labels={{ password: 'Mot de passe' }}
      >
        <Fieldset legend="Confirmez avec votre mot de passe">
          <TextInput
            name="password"
            type="password"
            label="Mot de passe"
            autocomplete="current-password"
            errors={errors}
            required
          />
        </Fieldset>
        <FormActions submit="Supprimer définitivement mon compte" cancelHref={ACCOUNT_URLS.home} />
      </FormWithErrors>
    </AccountFrame>
  );
}
