import { type FieldErrors, TextInput } from '../components/forms.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import {
  ACCOUNT_LABELS,
  AccountForm,
  AccountFrame,
  BackToAccount,
  CurrentPasswordInput,
} from './account-frame.js';

/** "Changer de mot de passe"; `rule` describes the network's password rule. */
export function PasswordPage({ csrf, rule, errors }: { csrf: string; rule: string; errors?: FieldErrors }) {
  return (
    <AccountFrame title="Changer de mot de passe" crumb="Mot de passe">
      <p>
        Votre nouveau mot de passe remplace l’actuel dès l’enregistrement. Vos autres sessions ouvertes (sur
        un autre appareil, par exemple) seront fermées ; celle-ci reste ouverte.
      </p>
      <AccountForm
        action={ACCOUNT_URLS.password}
        csrf={csrf}
        errors={errors}
        legend="Mot de passe"
        submit="Enregistrer le nouveau mot de passe"
      >
        <CurrentPasswordInput errors={errors} />
        <TextInput
          name="password"
          type="password"
          label={ACCOUNT_LABELS.password}
          hint={rule}
          autocomplete="new-password"
          errors={errors}
          required
        />
        <TextInput
          name="confirmation"
          type="password"
          label={ACCOUNT_LABELS.confirmation}
          autocomplete="new-password"
          errors={errors}
          required
        />
      </AccountForm>
      <BackToAccount />
    </AccountFrame>
  );
}
