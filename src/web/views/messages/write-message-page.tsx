import { AccountFrame } from '../account/account-frame.js';
import { ErrorSummary, type FieldErrors, Form, FormActions, type FormValues } from '../components/forms.js';
import { ACCOUNT_URLS } from '../patrons/account-sections.js';
import { MESSAGE_LABELS, MessageFields } from './message-fields.js';

/** "Écrire à ma médiathèque" (patron, logged in). */
export function WriteMessagePage(props: {
  libraryName: string;
  email: string;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  return (
    <AccountFrame title="Écrire à ma médiathèque" crumb="Écrire à ma médiathèque">
      <p>
        Votre message est adressé à <strong>{props.libraryName}</strong>. Sa réponse vous parviendra par
        courriel à <span class="sesame-break">{props.email}</span> et dans « Mon compte », rubrique « Mes
        messages ».
      </p>
      <p class="fr-text--sm">
        Pour un problème technique (une ressource qui ne s’ouvre pas, un souci de connexion), vous pouvez
        aussi <a href="/aide/contact">poser une question au support technique</a>.
      </p>
      <ErrorSummary errors={props.errors} labels={MESSAGE_LABELS} />
      <Form action={`${ACCOUNT_URLS.messages}/ecrire`} csrf={props.csrf}>
        <MessageFields values={props.values} errors={props.errors} />
        <FormActions submit="Envoyer mon message" cancelHref={ACCOUNT_URLS.messages} />
      </Form>
    </AccountFrame>
  );
}
