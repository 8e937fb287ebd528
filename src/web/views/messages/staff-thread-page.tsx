import { THREAD_KIND_LABELS } from '../../../domain/messages.js';
import { formatDateTime } from '../../../domain/paris.js';
import type { StaffThread } from '../../../usecases/messages/staff-inbox.js';
import { replySender } from '../../../usecases/messages/thread-words.js';
import { PageHeading } from '../components/admin-page.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextArea,
} from '../components/forms.js';
import { INBOX_URL } from './inbox-page.js';
import { MESSAGE_HINT } from './message-fields.js';
import { ThreadMessages, ThreadStateBadge } from './thread-messages.js';

/** One thread in the staff inbox: the messages, the reply (with saved replies), close/reopen, take over. */
export function StaffThreadPage(props: {
  data: StaffThread;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { thread, networkName } = props.data;
  const url = `${INBOX_URL}/${thread.id}`;
  const from = thread.authorName ?? thread.email;
  return (
    <>
      <PageHeading trail={[{ href: INBOX_URL, label: 'Messages' }]} title={thread.subject} label="Message" />
      <ul class="fr-mb-3w">
        <li>
          {THREAD_KIND_LABELS[thread.kind]}
          {thread.libraryName ? ` — ${thread.libraryName}` : ''}
        </li>
        <li>
          De : <span class="sesame-break">{from}</span>
          {thread.patronIdentifier && <> (identifiant {thread.patronIdentifier})</>}
          {thread.patronId && thread.patronIdentifier && (
            <>
              {' '}
              — <a href={`/admin/usagers/${thread.patronId}`}>fiche de l’usager</a>
            </>
          )}
        </li>
        <li>
          Réponses envoyées à : <span class="sesame-break">{thread.email}</span>
          {thread.patronId ? ' et dans son compte' : ' (visiteur : par courriel seulement)'}
        </li>
        <li>Reçu le {formatDateTime(thread.createdAt)}</li>
      </ul>
      <ThreadStateBadge state={thread.state} />
      {props.data.overdue && (
        <div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-2w">
          <p>Ce message attend une réponse depuis plus longtemps que le délai du réseau.</p>
        </div>
      )}
      {thread.takenOverAt && (
        <div class="fr-alert fr-alert--info fr-alert--sm fr-mt-2w">
          <p>
            Pris en charge par le réseau ({thread.takenOverByLabel}) le {formatDateTime(thread.takenOverAt)}.
          </p>
        </div>
      )}
      <h2 class="fr-mt-4w">Conversation</h2>
      <ThreadMessages
        thread={thread}
        staffLabel={(m) => `${m.authorLabel} (${replySender(thread, networkName)})`}
        writerLabel={() => from}
      />
      {props.data.mayTakeOver && (
        <Form action={`${url}/prendre-en-charge`} csrf={props.csrf} class="fr-mb-4w">
          <p>Vous pouvez prendre ce message en charge et répondre à la place de la bibliothèque.</p>
          <SubmitButton>Prendre en charge</SubmitButton>
        </Form>
      )}
      {props.data.mayReply ? (
        <section aria-labelledby="repondre-titre">
          <h2 id="repondre-titre">Répondre</h2>
          <form method="get" action={url} class="fr-mb-2w">
            <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
              <div class="fr-col-12 fr-col-md-8">
                <div class="fr-select-group">
                  <label class="fr-label" for="champ-reponse">
                    Réponse enregistrée
                    <span class="fr-hint-text">
                      Préremplit votre réponse, que vous pouvez modifier avant l’envoi.
                    </span>
                  </label>
                  <select class="fr-select" id="champ-reponse" name="reponse">
                    {props.data.savedReplies.map((r) => (
                      <option value={r.key} selected={props.data.chosenReply?.key === r.key}>
                        {r.title}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <div class="fr-col-12 fr-col-md-4">
                <button type="submit" class="fr-btn fr-btn--secondary">
                  Utiliser cette réponse
                </button>
              </div>
            </div>
          </form>
          <ErrorSummary errors={props.errors} labels={{ message: 'Réponse' }} />
          <Form action={`${url}/repondre`} csrf={props.csrf}>
            <TextArea
              name="message"
              label="Réponse"
              hint={`${MESSAGE_HINT} Envoyée par courriel${thread.patronId ? ' et visible dans le compte de l’usager' : ''}, signée « ${replySender(thread, networkName)} ».`}
              rows={8}
              required
              values={props.values}
              errors={props.errors}
            />
            <SubmitButton>Envoyer la réponse</SubmitButton>
          </Form>
        </section>
      ) : (
        <p>Ce message attend la réponse de sa bibliothèque.</p>
      )}
      {props.data.mayReply && (
        <Form
          action={`${url}/${thread.state === 'closed' ? 'rouvrir' : 'clore'}`}
          csrf={props.csrf}
          class="fr-mt-4w"
        >
          <SubmitButton secondary>{thread.state === 'closed' ? 'Rouvrir' : 'Clore ce message'}</SubmitButton>
        </Form>
      )}
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={INBOX_URL}>
          Retour aux messages
        </a>
      </p>
    </>
  );
}
