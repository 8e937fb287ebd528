import { type FieldErrors, Form, type FormValues, SubmitButton, TextInput } from '../components/forms.js';
import { Notice } from '../components/notice.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import {
  ACCOUNT_LABELS,
  AccountForm,
  AccountFrame,
  BackToAccount,
  CurrentPasswordInput,
} from './account-frame.js';

/** "Changer d’adresse électronique": the current address, a change waiting, the form. */
export function EmailPage(props: {
  csrf: string;
  patron: { email: string | null; pendingEmail: string | null };
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { csrf, patron, values, errors } = props;
  return (
    <AccountFrame title="Changer d’adresse électronique" crumb="Adresse électronique">
      <p>
        Adresse actuelle de votre compte : <strong>{patron.email}</strong>
      </p>
      {patron.pendingEmail && (
        <Notice kind="info" class="fr-mb-4w" title="Changement en attente de confirmation">
          <p>
            Un lien de confirmation a été envoyé à <strong>{patron.pendingEmail}</strong>. Tant qu’il n’a pas
            été suivi, votre adresse actuelle reste celle du compte.
          </p>
          <Form action={ACCOUNT_URLS.emailCancel} csrf={csrf} class="fr-mt-2w">
            <SubmitButton secondary>Annuler ce changement</SubmitButton>
          </Form>
        </Notice>
      )}
      <p>
        Un lien de confirmation sera envoyé à la nouvelle adresse : le changement n’aura lieu que lorsque vous
        l’aurez suivi. Votre adresse actuelle sera prévenue de la demande.
      </p>
      <AccountForm
        action={ACCOUNT_URLS.email}
        csrf={csrf}
        errors={errors}
        legend="Nouvelle adresse"
        submit="Envoyer le lien de confirmation"
      >
        <TextInput
          name="email"
          type="email"
          label={ACCOUNT_LABELS.email}
          hint="Format attendu : nom@exemple.fr."
          autocomplete="email"
          spellcheck={false}
          maxLength={254}
          values={values}
          errors={errors}
          required
        />
        <CurrentPasswordInput
          errors={errors}
          hint="Pour votre sécurité, confirmez qu’il s’agit bien de vous."
        />
      </AccountForm>
      <BackToAccount />
    </AccountFrame>
  );
}
