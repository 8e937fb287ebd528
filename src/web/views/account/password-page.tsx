import { ErrorSummary, type FieldErrors, Form, SubmitButton, TextInput } from '../components/forms.js';
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
      <ErrorSummary errors={errors} labels={ACCOUNT_LABELS} />
      <Form action={ACCOUNT_URLS.password} csrf={csrf}>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Mot de passe</legend>
          <div class="fr-fieldset__element">
            <TextInput
              name="currentPassword"
              type="password"
              label={ACCOUNT_LABELS.currentPassword}
              autocomplete="current-password"
              errors={errors}
              required
            />
          </div>
          <div class="fr-fieldset__element">
            <TextInput
              name="password"
              type="password"
              label={ACCOUNT_LABELS.password}
              hint={rule}
              autocomplete="new-password"
              errors={errors}
              required
            />
          </div>
          <div class="fr-fieldset__element">
            <TextInput
              name="confirmation"
              type="password"
              label={ACCOUNT_LABELS.confirmation}
              autocomplete="new-password"
              errors={errors}
              required
            />
          </div>
        </fieldset>
        <SubmitButton>Enregistrer le nouveau mot de passe</SubmitButton>
      </Form>
      <BackToAccount />
    </AccountFrame>
  );
}
