import { Fieldset } from '../components/fieldset.js';
import { type FieldErrors, type FormValues, FormWithErrors, TextInput } from '../components/forms.js';
import { Notice } from '../components/notice.js';
import { AuthFrame } from './auth-frame.js';

export const LOGIN_TITLE = 'Connexion';

/**
 * "Connexion": identifiant (or address) and password. `suite` is the local page to go to after
 * logging in; `expired` says the session ran out; `notice` is a refusal that names no field.
 */
export function LoginPage(props: {
  csrf: string;
  suite: string;
  expired: boolean;
  values?: FormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  const { values, errors } = props;
  return (
    <AuthFrame title={LOGIN_TITLE}>
      {props.expired && !errors && (
        <Notice kind="info" small class="fr-mb-3w">
          <p>Votre session a expiré. Connectez-vous à nouveau pour continuer.</p>
        </Notice>
      )}
      {props.notice && (
        <Notice kind="error" class="fr-mb-3w" role="alert">
          <p>{props.notice}</p>
        </Notice>
      )}
      <FormWithErrors action="/connexion" csrf={props.csrf} errors={errors} submit="Se connecter">
        <input type="hidden" name="suite" value={props.suite} />
        <Fieldset legend="Se connecter avec son identifiant">
          <TextInput
            name="login"
            label="Identifiant ou adresse électronique"
            hint="Bibliothèques : l’identifiant qui vous a été attribué (par exemple 5210001)."
            autocomplete="username"
            spellcheck={false}
            values={values}
            errors={errors}
            required
          />
          <>
            <TextInput
              name="password"
              type="password"
              label="Mot de passe"
              autocomplete="current-password"
              errors={errors}
              required
            />
            <p>
              <a href="/mot-de-passe-oublie" class="fr-link">
                Mot de passe oublié ?
              </a>
            </p>
          </>
        </Fieldset>
      </FormWithErrors>
    </AuthFrame>
  );
}
