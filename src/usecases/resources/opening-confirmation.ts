import { documentQuotaStanding, loadOpenContext } from '../../db/repositories/openings.js';
import type { PatronActor } from '../../domain/actor.js';
import { needsOpeningConfirmation, openingConfirmationMessage } from '../../domain/opening-confirmation.js';
import { parisMonthKey } from '../../domain/paris-month.js';
import { accessRefusal } from '../../domain/resource-access.js';
import { isDocumentId, quotaLimit } from '../../domain/resources.js';
import { isProfile, resolveSettings } from '../../domain/settings.js';
import type { Deps } from '../deps.js';
import { type OpenInput, viewerOf } from './open-document.js';

export interface OpeningQuestion {
  resourceId: string;
  resourceName: string;
  document: string;
  /** The document's title when the resource lists its documents. */
  documentTitle: string | null;
  message: string;
}

/**
 * Whether opening this document must be confirmed first (see needsOpeningConfirmation), and
 * what to ask. Null when it need not, and also when the opening would be refused: openDocument
 * then says why, as for any other opening. Reads only, counts nothing; asked only for a click
 * from outside or a catalog link marked as the month's last unit, so that an ordinary opening
 * keeps its two round trips. A link may ask for a confirmation, never skip one.
 */
export async function openingConfirmation(
  deps: Deps,
  actor: PatronActor | null,
  input: OpenInput & {
    fromOutside: boolean;
    /** The link asked for a confirmation (a catalog's last unit, a return after login). */
    requested: boolean;
  },
): Promise<OpeningQuestion | null> {
  const document = (input.document ?? '').trim();
  if (!actor || document === '' || !isDocumentId(document)) return null;
  const c = await loadOpenContext(deps.db, input.resourceId, actor.id);
  if (!c?.resource.active || !c.patron) return null;
  const { resource } = c;
  if (resource.kind !== 'quota' || !resource.category) return null;
  const listed = resource.documents.find((d) => d.id === document);
  if (resource.documents.length > 0 && !listed) return null;
  const now = deps.clock.now();
  const settings = resolveSettings(
    isProfile(c.network.profile) ? c.network.profile : 'numos',
    c.network.settings,
  );
  const refused = accessRefusal({
    viewer: viewerOf(c.patron),
    resource,
    subscribed: c.subscribed,
    withdrawn: c.withdrawn,
    now,
    settings,
  });
  if (refused) return null;
  const month = parisMonthKey(now);
  const limit = quotaLimit(settings, resource.category);
  const { used, alreadyCounted } = await documentQuotaStanding(deps.db, {
    patronId: c.patron.id,
    resourceId: resource.id,
    document,
    category: resource.category,
    month,
  });
  const asked = input.fromOutside || input.requested;
  if (!needsOpeningConfirmation({ asked, used, limit, alreadyCounted })) return null;
  return {
    resourceId: resource.id,
    resourceName: resource.name,
    document,
    documentTitle: listed?.title ?? null,
    message: openingConfirmationMessage({ category: resource.category, used, limit, month }),
  };
}
