import type { OutboxStatus } from '../../../db/repositories/outbox.js';
import type { MailListQuery } from '../../../usecases/network/list-mail.js';

/** What the outbox pages share: their address, the states of an e-mail, the SMTP warning. */

export const MAIL_LIST_URL = '/admin/courriels';
export const MAIL_LIST_TITLE = 'Courriels envoyés';

export const MAIL_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'cancelled',
] as const satisfies readonly OutboxStatus[];

export const STATUS_DISPLAY: Record<OutboxStatus, { label: string; badge: string }> = {
  pending: { label: 'En attente', badge: 'fr-badge--info' },
  sending: { label: 'En cours d’envoi', badge: 'fr-badge--new' },
  sent: { label: 'Envoyé', badge: 'fr-badge--success' },
  failed: { label: 'En échec', badge: 'fr-badge--error' },
  cancelled: { label: 'Annulé', badge: '' },
};

const NO_SMTP =
  'Aucun serveur d’envoi (SMTP_URL) n’est configuré : les courriels restent ici et ne partent pas.';

/** The list's URL for a search (empty criteria left out, page 1 implied). */
export function mailListHref(p: Partial<MailListQuery>): string {
  const params = new URLSearchParams();
  if (p.q) params.set('q', p.q);
  if (p.etat) params.set('etat', p.etat);
  if (p.page && p.page > 1) params.set('page', String(p.page));
  const qs = params.toString();
  return qs ? `${MAIL_LIST_URL}?${qs}` : MAIL_LIST_URL;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;
}

export function StatusBadge({ status, small }: { status: OutboxStatus; small?: boolean }) {
  const d = STATUS_DISPLAY[status];
  return <p class={`fr-badge${small ? ' fr-badge--sm' : ''} ${d.badge}`.trim()}>{d.label}</p>;
}

export function NoSmtpNotice() {
  return (
    <div class="fr-alert fr-alert--warning fr-mb-4w">
      <h2 class="fr-alert__title">Envoi des courriels désactivé</h2>
      <p>{NO_SMTP}</p>
    </div>
  );
}
