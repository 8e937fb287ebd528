import { findMail, type OutboxRow } from '../../db/repositories/outbox.js';
import { liveTokenHashes } from '../../db/repositories/tokens.js';
import { notFound } from '../../domain/errors.js';
import { linkTokens, replaceSecretLinks } from '../../mail/secret-links.js';
import { MAX_ATTEMPTS } from '../../mail/sender.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export const MASKED_LINK = '[lien à usage unique masqué tant qu’il est valable]';

export interface MailForAdmin {
  mail: OutboxRow;
  /** Single-use links of the text still valid and replaced by MASKED_LINK. */
  maskedLinks: number;
  /** Single-use links still valid and shown, because no e-mail leaves (no SMTP server). */
  shownLiveLinks: number;
  /** When it was read (the next attempt is told against it). */
  now: Date;
  /** Attempts the sender makes before giving up. */
  maxAttempts: number;
}

/**
 * An e-mail as a network administrator reads it in the back-office. A single-use link still
 * valid (set or reset a password, confirm an address, renew) opens its recipient's account to
 * whoever follows it, so its token is masked here; the e-mail itself keeps it. A link used,
 * replaced or expired opens nothing and is shown as sent.
 *
 * Without an SMTP server (the demo on a laptop) no e-mail leaves at all: the README and the
 * start banner send newcomers here to follow these very links, so they are shown, and the
 * page says why.
 */
export async function readMailForAdmin(
  deps: Deps,
  id: number,
  options: { smtpConfigured: boolean },
): Promise<MailForAdmin> {
  const mail = await findMail(deps.db, id);
  if (!mail) throw notFound('Ce courriel');
  const tokens = linkTokens(mail.text);
  const now = deps.clock.now();
  const live = await liveTokenHashes(deps.db, tokens.map(sha256), now);
  const liveTokens = tokens.filter((t) => live.has(sha256(t)));
  if (liveTokens.length === 0 || !options.smtpConfigured)
    return { mail, maskedLinks: 0, shownLiveLinks: liveTokens.length, now, maxAttempts: MAX_ATTEMPTS };
  const masked = new Set(liveTokens);
  return {
    mail: {
      ...mail,
      text: replaceSecretLinks(mail.text, (_, token) => (masked.has(token) ? MASKED_LINK : undefined)),
      html: '',
    },
    maskedLinks: liveTokens.length,
    shownLiveLinks: 0,
    now,
    maxAttempts: MAX_ATTEMPTS,
  };
}
