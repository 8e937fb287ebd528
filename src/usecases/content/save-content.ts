import { findContentPage, writeContentPage } from '../../db/repositories/content-pages.js';
import { recordEvent } from '../../db/repositories/events.js';
import { lockNetwork } from '../../db/repositories/network.js';
import type { StaffActor } from '../../domain/actor.js';
import { type ContentKey, contentError } from '../../domain/content-pages.js';
import { forbidden, ValidationError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/**
 * A network administrator saves a new text of a help or legal page: the page's text, a new
 * version in its history and an event, in one transaction. False when the text is unchanged.
 */
export async function saveContent(
  deps: Deps,
  actor: StaffActor,
  input: { key: ContentKey; body: string },
): Promise<{ changed: boolean }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const body = input.body.replace(/\r\n?/g, '\n');
  const error = contentError(body);
  if (error) throw new ValidationError({ texte: error });
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await lockNetwork(tx);
    const current = await findContentPage(tx, input.key);
    if (current?.body === body) return { changed: false };
    await writeContentPage(tx, input.key, body, now, actor.name);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'content_updated',
      subject: { kind: 'content_page', id: input.key },
      data: { length: body.length },
    });
    return { changed: true };
  });
}
