import { findContentVersion } from '../../db/repositories/content-pages.js';
import type { StaffActor } from '../../domain/actor.js';
import type { ContentKey } from '../../domain/content-pages.js';
import { forbidden, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { saveContent } from './save-content.js';

/** "Rétablir cette version": the chosen text becomes the page's text again, as a new version. */
export async function restoreContent(
  deps: Deps,
  actor: StaffActor,
  input: { key: ContentKey; versionId: number },
): Promise<{ changed: boolean }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const version = await findContentVersion(deps.db, input.key, input.versionId);
  if (!version) throw notFound('Cette version');
  return saveContent(deps, actor, { key: input.key, body: version.body });
}
