import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../components/forms.js';
import { Breadcrumb } from '../layout.js';
import { MESSAGE_LABELS, MessageFields } from './message-fields.js';

/** The honeypot's field name: people never see it, robots fill it. */
export const HONEYPOT_FIELD = 'site_web';

/**
 * "Poser une question au support technique" (anyone). Logged in, the address is the account's
 * (shown, not editable); a visitor types theirs and is answered by e-mail only.
 */
export function SupportPage(props: {
  networkName: string;
  /** The account's address when logged in; null for a visitor. */
  accountEmail: string | null;
  isPatron: boolean;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <Breadcrumb
          items={[
            { href: '/', label: 'Accueil' },
            { href: '/aide', label: 'Aide' },
            { label: 'Poser une question au support technique' },
          ]}
        />
        <h1>Poser une question au support technique</h1>
        <p>
          Une ressource qui ne s’ouvre pas, un problème de connexion ou de compte : l’équipe de{' '}
          {props.networkName} vous répond{' '}
          {props.isPatron ? 'par courriel et dans « Mon compte », rubrique « Mes messages »' : 'par courriel'}
          .
        </p>
        {props.isPatron && (
          <p class="fr-text--sm">
            Pour une question sur votre inscription ou votre adhésion, vous pouvez aussi{' '}
            <a href="/mon-compte/messages/ecrire">écrire à votre médiathèque</a>.
          </p>
        )}
        <ErrorSummary errors={props.errors} labels={MESSAGE_LABELS} />
        <Form action="/aide/contact" csrf={props.csrf}>
          {props.accountEmail ? (
            <p>
              {MESSAGE_LABELS.courriel} : <strong class="sesame-break">{props.accountEmail}</strong> (celle de
              votre compte)
            </p>
          ) : (
            <TextInput
              name="courriel"
              type="email"
              autocomplete="email"
              label={MESSAGE_LABELS.courriel}
              hint="La réponse vous sera envoyée à cette adresse. Format attendu : nom@exemple.fr"
              required
              values={props.values}
              errors={props.errors}
            />
          )}
          <div class="sesame-honeypot" aria-hidden="true">
            <label for="champ-site-web">Ne pas remplir ce champ</label>
            <input id="champ-site-web" type="text" name={HONEYPOT_FIELD} tabIndex={-1} autocomplete="off" />
          </div>
          <MessageFields values={props.values} errors={props.errors} />
          <SubmitButton>Envoyer ma question</SubmitButton>
        </Form>
      </div>
    </div>
  );
}
