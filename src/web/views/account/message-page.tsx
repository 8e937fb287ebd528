import { formatDateTime } from '../../../domain/paris.js';
import { linkify } from '../components/linkify.js';
import { ACCOUNT_URLS, MyMessagesBreadcrumb } from '../patrons/account-sections.js';

/** One e-mail the patron received, its links made clickable. */
export function MessagePage({
  message,
}: {
  message: { subject: string; createdAt: Date; toAddress: string; text: string };
}) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <MyMessagesBreadcrumb current="Message" />
        <h1>{message.subject}</h1>
        <p>
          Reçu le {formatDateTime(message.createdAt)}, envoyé à{' '}
          <span class="sesame-break">{message.toAddress}</span>
        </p>
        <pre class="sesame-pre fr-p-3w fr-background-alt--grey">{linkify(message.text)}</pre>
        <p>
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ACCOUNT_URLS.messages}>
            Retour à mes messages
          </a>
        </p>
      </div>
    </div>
  );
}
