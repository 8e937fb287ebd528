import { recordEvent } from '../../db/repositories/events.js';
import { findMail, requeueFailed } from '../../db/repositories/outbox.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

export const MAIL_NOT_FAILED = 'mail_not_failed';

/**
 * Puts a failed e-mail back in the queue with fresh attempts (after the administrator fixed
 * the address or the SMTP server). Only a failed e-mail may be sent again: one already sent,
 * or requeued by someone else a moment ago, is left alone so nobody receives it twice.
 */
export async function resendMail(deps: Deps, actor: StaffActor, mailId: number): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const mail = await findMail(tx, mailId);
    if (!mail) throw notFound('Ce courriel');
    if (!(await requeueFailed(tx, mail.id, now)))
      throw new DomainError(MAIL_NOT_FAILED, 'Ce courriel n’est pas en échec : il n’a pas été renvoyé.', 409);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'mail_requeued',
      subject: { kind: 'mail', id: String(mail.id) },
      data: { template: mail.template, attempts: mail.attempts, lastError: mail.lastError },
    });
  });
}
