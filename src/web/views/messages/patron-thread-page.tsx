import type { ThreadDetail } from '../../../db/repositories/messages.js';
import { THREAD_KIND_LABELS } from '../../../domain/messages.js';
import { replySender } from '../../../usecases/messages/thread-words.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextArea,
} from '../components/forms.js';
import { ACCOUNT_URLS, MyMessagesBreadcrumb } from '../patrons/account-sections.js';
import { MESSAGE_HINT, MESSAGE_LABELS } from './message-fields.js';
import { ThreadMessages, ThreadStateBadge } from './thread-messages.js';

/** One of the patron's conversations, with the form to answer back. */
export function PatronThreadPage(props: {
  thread: ThreadDetail;
  networkName: string;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { thread } = props;
  const to =
    thread.kind === 'library' ? (thread.libraryName ?? 'votre bibliothèque') : 'le support technique';
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <MyMessagesBreadcrumb current="Conversation" />
        <h1 class="sesame-break">{thread.subject}</h1>
        <p>
          {THREAD_KIND_LABELS[thread.kind]} — avec {to}
        </p>
        <ThreadStateBadge state={thread.state} />
        <h2 class="fr-mt-4w">Messages</h2>
        <ThreadMessages
          thread={thread}
          staffLabel={() => replySender(thread, props.networkName)}
          writerLabel={() => 'Vous'}
        />
        <h2>Répondre</h2>
        {thread.state === 'closed' && (
          <p>Cette conversation est close. Si vous y répondez, elle sera rouverte.</p>
        )}
        <ErrorSummary errors={props.errors} labels={MESSAGE_LABELS} />
        <Form action={`/mon-compte/conversations/${thread.id}/repondre`} csrf={props.csrf}>
          <TextArea
            name="message"
            label="Votre réponse"
            hint={MESSAGE_HINT}
            rows={6}
            required
            values={props.values}
            errors={props.errors}
          />
          <SubmitButton>Envoyer ma réponse</SubmitButton>
        </Form>
        <p class="fr-mt-4w">
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.messages}>
            Retour à mes messages
          </a>
        </p>
      </div>
    </div>
  );
}
