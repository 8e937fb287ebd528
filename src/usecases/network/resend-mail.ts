import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { findMail, type OutboxRow, requeueFailed } from '../../db/repositories/outbox.js';
import { consumeToken, findTokenByHash, insertToken } from '../../db/repositories/tokens.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { formatDateTime } from '../../domain/paris.js';
import { linkTokens, replaceSecretLinks } from '../../mail/secret-links.js';
import { newSecretToken, sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export const MAIL_NOT_FAILED = 'mail_not_failed';
export const MAIL_LINK_DEAD = 'mail_link_dead';

/** Links whose validity is their own (a new one may run its full length again from now). */
const PASSWORD_PURPOSES = new Set(['set_password', 'reset_password']);

/**
 * Puts a failed e-mail back in the queue with fresh attempts (after the administrator fixed
 * the address or the SMTP server). Only a failed e-mail may be sent again: one already sent,
 * or requeued by someone else a moment ago, is left alone so nobody receives it twice.
 *
 * A single-use link in it is not sent again as it was: it is replaced by a fresh one (the old
 * one stops working), so a link an administrator may have read goes nowhere.
 */
export async function resendMail(deps: Deps, actor: StaffActor, mailId: number): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const mail = await findMail(tx, mailId);
    if (!mail) throw notFound('Ce courriel');
    if (mail.status !== 'failed') throw notFailed();
    const content = await withFreshLinks(tx, mail, now);
    if (!(await requeueFailed(tx, mail.id, now, content))) throw notFailed();
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'mail_requeued',
      subject: { kind: 'mail', id: String(mail.id) },
      data: {
        template: mail.template,
        attempts: mail.attempts,
        lastError: mail.lastError,
        freshLinks: content ? linkTokens(mail.text).length : 0,
      },
    });
  });
}

function notFailed() {
  return new DomainError(MAIL_NOT_FAILED, 'Ce courriel n’est pas en échec : il n’a pas été renvoyé.', 409);
}

/**
 * The mail's text and HTML with each single-use link replaced by a new one of the same
 * purpose and person; undefined when it has none. A password link runs its full validity
 * again; a confirmation or renewal link keeps its end, which is the request's own deadline.
 */
async function withFreshLinks(
  tx: Executor,
  mail: OutboxRow,
  now: Date,
): Promise<{ text: string; html: string } | undefined> {
  const old = linkTokens(mail.text);
  if (old.length === 0) return undefined;
  const fresh = new Map<string, string>();
  let { text, html } = mail;
  for (const token of old) {
    const row = await findTokenByHash(tx, sha256(token));
    const renewable = PASSWORD_PURPOSES.has(row?.purpose ?? '');
    if (!row || row.usedAt || (!renewable && row.expiresAt <= now))
      throw new DomainError(
        MAIL_LINK_DEAD,
        'Le lien de ce courriel a déjà servi, a été remplacé par un plus récent ou a expiré : le courriel n’a pas été renvoyé.',
        409,
      );
    const expiresAt = renewable
      ? new Date(now.getTime() + (row.expiresAt.getTime() - row.createdAt.getTime()))
      : row.expiresAt;
    const next = newSecretToken();
    await consumeToken(tx, row.id, now);
    await insertToken(tx, {
      hash: sha256(next),
      purpose: row.purpose,
      principalKind: row.principalKind,
      principalId: row.principalId,
      createdAt: now,
      expiresAt,
    });
    fresh.set(token, next);
    // The e-mail states until when its link works.
    const [was, will] = [formatDateTime(row.expiresAt), formatDateTime(expiresAt)];
    text = text.replaceAll(was, will);
    html = html.replaceAll(was, will);
  }
  const swap = (start: string, token: string) => {
    const next = fresh.get(token);
    return next === undefined ? undefined : `${start}${next}`;
  };
  return { text: replaceSecretLinks(text, swap), html: replaceSecretLinks(html, swap) };
}
