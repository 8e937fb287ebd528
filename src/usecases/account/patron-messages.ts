import { findPatronMessage, type PatronMessage, patronMessages } from '../../db/repositories/patron-data.js';
import type { PatronActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

export const MESSAGES_PER_PAGE = 20;

/** A web address carrying a secret (a token of 32 characters or more in its path). */
const SECRET_LINK = /https?:\/\/[^\s<>"'`]*\/[A-Za-z0-9_-]{32,}(?=[\s<>"'`.,;:!?)\]»]|$)/g;

export const HIDDEN_LINK = '[lien masqué : utilisez celui du courriel reçu]';

/**
 * Single-use links (set a password, confirm an address…) are hidden when a message is read
 * in "Mon compte": whoever holds the session would otherwise pass the checks that the link
 * stands for (reading the mailbox), e.g. confirm a new address they do not own, or reset the
 * password after asking for a link. The e-mail itself keeps its link.
 */
export function hideSecretLinks(text: string): string {
  return text.replace(SECRET_LINK, HIDDEN_LINK);
}

function shown(m: PatronMessage): PatronMessage {
  return { ...m, text: hideSecretLinks(m.text) };
}

/** "Mes messages": the e-mails the patron received, newest first, a page at a time. */
export async function listMessages(
  deps: Deps,
  actor: PatronActor,
  page: number,
): Promise<{ rows: PatronMessage[]; total: number; page: number; pageCount: number }> {
  const now = deps.clock.now();
  let current = Math.max(1, Math.floor(page));
  let result = await patronMessages(deps.db, actor.id, now, {
    limit: MESSAGES_PER_PAGE,
    offset: (current - 1) * MESSAGES_PER_PAGE,
  });
  const pageCount = Math.max(1, Math.ceil(result.total / MESSAGES_PER_PAGE));
  if (current > pageCount) {
    current = pageCount;
    result = await patronMessages(deps.db, actor.id, now, {
      limit: MESSAGES_PER_PAGE,
      offset: (current - 1) * MESSAGES_PER_PAGE,
    });
  }
  return { rows: result.rows.map(shown), total: result.total, page: current, pageCount };
}

/** One of the patron's messages; another person's is "not found", whatever the id. */
export async function readMessage(deps: Deps, actor: PatronActor, id: number): Promise<PatronMessage> {
  const message = await findPatronMessage(deps.db, actor.id, id, deps.clock.now());
  if (!message) throw notFound('Ce message');
  return shown(message);
}

/** The few latest messages and their number, for "Mon compte". */
export async function latestMessages(
  deps: Deps,
  actor: Pick<PatronActor, 'id'>,
  count = 3,
): Promise<{ latestMessages: PatronMessage[]; messageCount: number }> {
  const result = await patronMessages(deps.db, actor.id, deps.clock.now(), { limit: count, offset: 0 });
  return { latestMessages: result.rows.map(shown), messageCount: result.total };
}
