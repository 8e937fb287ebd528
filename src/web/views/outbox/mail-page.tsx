import type { ComponentChildren } from 'preact';
import type { OutboxRow } from '../../../db/repositories/outbox.js';
import { formatDateTime } from '../../../domain/paris.js';
import { mailTemplateLabel } from '../../../mail/template-labels.js';
import type { MailForAdmin } from '../../../usecases/network/read-mail.js';
import { PageHeading } from '../components/admin-page.js';
import { Form, SubmitButton } from '../components/forms.js';
import { linkify } from '../components/linkify.js';
import { FactsTable } from '../components/table.js';
import { MailLinksNotice } from '../network/mail-links-notice.js';
import {
  MAIL_LIST_TITLE,
  MAIL_LIST_URL,
  NoSmtpNotice,
  plural,
  STATUS_DISPLAY,
  StatusBadge,
} from './mail-status.js';

export const mailTitle = (mail: OutboxRow) => `Courriel n° ${mail.id}`;

/** "/admin/courriels/:id": one e-mail, its sending, its text, and "Renvoyer" when it failed. */
export function MailPage(props: { read: MailForAdmin; smtpConfigured: boolean; csrf: string }) {
  const { mail, maskedLinks, shownLiveLinks, now, maxAttempts } = props.read;
  return (
    <>
      <PageHeading
        trail={[{ href: MAIL_LIST_URL, label: MAIL_LIST_TITLE }]}
        title={mail.subject}
        label={mailTitle(mail)}
      />
      <StatusBadge status={mail.status} />
      {!props.smtpConfigured && (mail.status === 'pending' || mail.status === 'sending') && (
        <div class="fr-mt-3w">
          <NoSmtpNotice />
        </div>
      )}
      {mail.status === 'failed' && (
        <div class="fr-callout fr-mt-3w">
          <h2 class="fr-callout__title">Ce courriel n’est pas parti</h2>
          <p class="fr-callout__text">
            Après {plural(mail.attempts, 'tentative', 'tentatives')}, Sésame a renoncé à l’envoyer. Une fois
            la cause corrigée (adresse, serveur d’envoi), vous pouvez le renvoyer : il repartira dans quelques
            secondes, avec de nouvelles tentatives.
          </p>
          <Form action={`${MAIL_LIST_URL}/${mail.id}/renvoyer`} csrf={props.csrf}>
            <SubmitButton>Renvoyer</SubmitButton>
          </Form>
        </div>
      )}
      <MailDetails mail={mail} now={now} maxAttempts={maxAttempts} />
      <MailLinksNotice masked={maskedLinks} shownLive={shownLiveLinks} />
      <h2>Texte du message</h2>
      <pre class="sesame-pre fr-p-3w fr-background-alt--grey">{linkify(mail.text)}</pre>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={MAIL_LIST_URL}>
          Retour à la liste des courriels
        </a>
      </p>
    </>
  );
}

function nextAttempt(mail: OutboxRow, now: Date): string {
  if (mail.status === 'sending')
    return mail.claimedUntil ? `Envoi en cours (repris après le ${formatDateTime(mail.claimedUntil)})` : '—';
  if (mail.status !== 'pending') return 'Aucune';
  return mail.notBefore > now ? formatDateTime(mail.notBefore) : 'Dès que possible';
}

function MailDetails({ mail, now, maxAttempts }: { mail: OutboxRow; now: Date; maxAttempts: number }) {
  const rows: Array<[string, ComponentChildren]> = [
    ['Destinataire', mail.toAddress],
    ['Objet', mail.subject],
    ['Type de courriel', mailTemplateLabel(mail.template)],
    ['État', STATUS_DISPLAY[mail.status].label],
    ['Tentatives', `${mail.attempts} sur ${maxAttempts} au plus`],
    ['Créé le', formatDateTime(mail.createdAt)],
    ['Envoyé le', mail.sentAt ? formatDateTime(mail.sentAt) : 'Pas encore envoyé'],
    ['Prochaine tentative', nextAttempt(mail, now)],
    ['Dernière erreur', mail.lastError ? <code>{mail.lastError}</code> : 'Aucune'],
  ];
  return (
    <div class="fr-mt-4w">
      <FactsTable class="fr-mb-3w" caption="Informations d’envoi" rows={rows} />
    </div>
  );
}
