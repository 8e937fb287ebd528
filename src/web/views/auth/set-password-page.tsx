import { type FieldErrors, FormWithErrors, TextInput } from '../components/forms.js';
import { AuthFrame } from './auth-frame.js';

export const SET_PASSWORD_TITLE = 'Choisir votre mot de passe';

/** The page of a password link (/mot-de-passe/:token); `rule` describes the network's password rule. */
export function SetPasswordPage(props: {
  csrf: string;
  token: string;
  identifier: string;
  rule: string;
  errors?: FieldErrors;
}) {
  return (
    <AuthFrame title={SET_PASSWORD_TITLE}>
      <p>
        Compte : <strong>{props.identifier}</strong>
      </p>
      <FormWithErrors
        action={`/mot-de-passe/${props.token}`}
        csrf={props.csrf}
        errors={props.errors}
        submit="Enregistrer mon mot de passe"
      >
        {/* Lets password managers file the new password under the right account. */}
        <input
          type="text"
          name="username"
          value={props.identifier}
          autocomplete="username"
          hidden
          aria-hidden="true"
          tabIndex={-1}
        />
        <TextInput
          name="password"
          type="password"
          label="Nouveau mot de passe"
          hint={props.rule}
          autocomplete="new-password"
          errors={props.errors}
          required
        />
        <TextInput
          name="confirmation"
          type="password"
          label="Confirmez le mot de passe"
          hint="Entrez à nouveau votre mot de passe."
          autocomplete="new-password"
          errors={props.errors}
          required
        />
      </FormWithErrors>
    </AuthFrame>
  );
}
