import { type FieldErrors, type FormValues, FormWithErrors, TextInput } from '../components/forms.js';
import { Notice } from '../components/notice.js';
import { AuthFrame } from './auth-frame.js';

export const FORGOT_PASSWORD_TITLE = 'Mot de passe oublié';

/**
 * "Mot de passe oublié": the form, or once `sent`, the same answer whether an account matched
 * or not.
 */
export function ForgotPasswordPage(props: {
  csrf: string;
  sent?: boolean;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  return (
    <AuthFrame
      title={FORGOT_PASSWORD_TITLE}
      breadcrumb={[{ href: '/connexion', label: 'Connexion' }, { label: FORGOT_PASSWORD_TITLE }]}
    >
      {props.sent ? (
        <Notice kind="success" role="status" title="Vérifiez votre messagerie">
          <p>
            Si un compte correspond à ce que vous avez saisi, un lien pour choisir un nouveau mot de passe
            vient d’être envoyé à son adresse électronique. Pensez à regarder dans les courriers indésirables.
          </p>
        </Notice>
      ) : (
        <>
          <p>Saisissez votre identifiant ou votre adresse électronique : nous vous enverrons un lien.</p>
          <FormWithErrors
            action="/mot-de-passe-oublie"
            csrf={props.csrf}
            errors={props.errors}
            submit="Recevoir un lien"
          >
            <TextInput
              name="login"
              label="Identifiant ou adresse électronique"
              autocomplete="username"
              spellcheck={false}
              values={props.values}
              errors={props.errors}
              required
            />
          </FormWithErrors>
        </>
      )}
    </AuthFrame>
  );
}
