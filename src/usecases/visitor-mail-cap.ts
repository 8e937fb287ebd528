import type { Executor } from '../db/client.js';
import { mailsToSince } from '../db/repositories/outbox.js';
import type { NetworkSettings } from '../domain/settings.js';
import { VISITOR_MAIL_TEMPLATES, VISITOR_MAIL_WINDOW_MS } from '../domain/visitor-mails.js';

/**
 * Whether a public form may have one more e-mail sent to `to` now (see VISITOR_MAIL_TEMPLATES).
 * Call it in the transaction that would write the e-mail, before anything that goes with it
 * (a new link revokes the previous one: past the cap, the link already sent must keep working).
 */
export async function mayMailVisitor(
  tx: Executor,
  to: string,
  now: Date,
  settings: Pick<NetworkSettings, 'visitorMailsPerHour'>,
): Promise<boolean> {
  const since = new Date(now.getTime() - VISITOR_MAIL_WINDOW_MS);
  return (await mailsToSince(tx, to, VISITOR_MAIL_TEMPLATES, since)) < settings.visitorMailsPerHour;
}
