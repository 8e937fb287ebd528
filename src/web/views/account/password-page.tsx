import { Fieldset } from '../components/fieldset.js';
import { type FieldErrors, FormWithErrors, TextInput } from '../components/forms.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import { ACCOUNT_LABELS, AccountFrame, BackToAccount } from './account-frame.js';

/** "Changer de mot de passe"; `rule` describes the network's password rule. */
export function PasswordPage({ csrf, rule, errors }: { csrf: string; rule: string; errors?: FieldErrors }) {
  return (
    <AccountFrame title="Changer de mot de passe" crumb="Mot de passe">
      <p>
        Votre nouveau mot de passe remplace l’actuel dès l’enregistrement. Vos autres sessions ouvertes (sur
        un autre appareil, par exemple) seront fermées ; celle-ci reste ouverte.
      </p>
      <FormWithErrors
        action={ACCOUNT_URLS.password}
        csrf={csrf}
        errors={errors}
        labels={ACCOUNT_LABELS}
        submit="Enregistrer le nouveau mot de passe"
      >
        <Fieldset legend="Mot de passe">
          <TextInput
            name="currentPassword"
            type="password"
            label={ACCOUNT_LABELS.currentPassword}
            autocomplete="current-password"
            errors={errors}
            required
          />
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
        </Fieldset>
      </FormWithErrors>
      <BackToAccount />
    </AccountFrame>
  );
}
