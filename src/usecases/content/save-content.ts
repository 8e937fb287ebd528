import {
  findContentPage,
  findContentVersion,
  newestContentVersion,
  writeContentPage,
} from '../../db/repositories/content-pages.js';
import { recordEvent } from '../../db/repositories/events.js';
import { lockNetwork } from '../../db/repositories/network.js';
import type { StaffActor } from '../../domain/actor.js';
import {
  type ContentKey,
  changedLines,
  contentError,
  contentVersion,
  defaultContent,
} from '../../domain/content-pages.js';
import { forbidden, ValidationError } from '../../domain/errors.js';
import { formatDateTime } from '../../domain/paris.js';
import type { Deps } from '../deps.js';
import { defaultContext } from './load-content.js';

/** A colleague saved the page after the form was opened: what they changed, and the page now. */
export interface ContentConflict {
  message: string;
  /** The version now saved: a new save from the form replaces it knowingly. */
  version: string;
  added: string[];
  removed: string[];
}

export type SaveOutcome =
  | { changed: boolean; conflict?: undefined }
  | { changed: false; conflict: ContentConflict };

/**
 * A network administrator saves a new text of a help or legal page: the page's text, a new
 * version in its history and an event, in one transaction. False when the text is unchanged.
 */
export async function saveContent(
  deps: Deps,
  actor: StaffActor,
  input: { key: ContentKey; body: string /** The version the form was opened at. */; version?: string },
): Promise<SaveOutcome> {
  if (actor.role !== 'network_admin') throw forbidden();
  const body = input.body.replace(/\r\n?/g, '\n');
  const error = contentError(body);
  if (error) throw new ValidationError({ texte: error });
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await lockNetwork(tx);
    const current = await findContentPage(tx, input.key);
    const nowVersion = contentVersion(await newestContentVersion(tx, input.key));
    // Optimistic concurrency: a save from a form opened before a colleague's is not applied.
    if (input.version !== undefined && input.version !== nowVersion && current) {
      const openedId = Number(input.version);
      const opened = !input.version
        ? defaultContent(input.key, await defaultContext(tx))
        : Number.isSafeInteger(openedId) && openedId > 0
          ? (await findContentVersion(tx, input.key, openedId))?.body
          : undefined;
      const { added, removed } = changedLines(opened ?? '', current.body);
      return {
        changed: false,
        conflict: {
          message: `Cette page a été modifiée par ${current.updatedBy} le ${formatDateTime(current.updatedAt)} pendant que vous l’éditiez : votre texte n’est pas enregistré. Il est conservé ci-dessous ; relisez les changements de votre collègue, puis enregistrez de nouveau pour remplacer sa version, ou rechargez la page pour repartir de la sienne.`,
          version: nowVersion,
          added,
          removed,
        },
      };
    }
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
