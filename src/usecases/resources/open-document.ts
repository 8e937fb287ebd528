import { type ConnectorPatron, connectorFor } from '../../connectors/index.js';
import {
  consumeOpening,
  loadOpenContext,
  type OpenContextPatron,
  openedSince,
  recordConsultation,
} from '../../db/repositories/openings.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { claimCapAlert, type ResourceRow } from '../../db/repositories/resources.js';
import type { PatronActor } from '../../domain/actor.js';
import { capPeriodKey, parisMonthKey } from '../../domain/paris-month.js';
import {
  accessRefusal,
  type CapLevel,
  capLevelsReached,
  capReached,
  capThreshold,
  invalidDocument,
  percentUsed,
  quotaReached,
  unknownDocument,
  unknownResource,
  type Viewer,
} from '../../domain/resource-access.js';
import { isDocumentId, quotaLimit } from '../../domain/resources.js';
import { isProfile, type NetworkSettings, resolveSettings } from '../../domain/settings.js';
import { capAlertMail } from '../../mail/resource-mails.js';
import type { Deps } from '../deps.js';

export interface OpenInput {
  resourceId: string;
  /** The provider's document id; empty or absent opens the provider's home (never counted). */
  document?: string;
  /**
   * The provider's single sign-on asks for the patron (CAS login, OpenID Connect
   * authorization): the checks of an opening, and its consultation only when the patron has not
   * opened the resource within the network's hand-off window (setting `ssoHandOffMinutes`). A click in the catalog is recorded there, then the
   * provider sends the patron back through Sésame's login: one opening, one consultation.
   */
  handOff?: boolean;
}

export interface OpenOutcome {
  url: string;
  resource: ResourceRow;
  /** This opening used the monthly quota (Forfait) or the network cap. */
  counted: boolean;
  quota: { used: number; limit: number } | null;
}

export function viewerOf(patron: OpenContextPatron | null): Viewer {
  if (!patron) return { kind: 'anonymous' };
  return {
    kind: 'patron',
    state: patron.state,
    birthDate: patron.birthDate,
    birthYear: patron.birthYear,
    activeUntil: patron.activeUntil,
    pendingSince: patron.pendingSince,
    registeredAt: patron.registeredAt,
  };
}

/**
 * A patron (or an anonymous visitor, for free resources) opens a document, in two round trips:
 * everything checked is read in one query, then the first opening of the document this Paris
 * month takes one unit of the monthly quota and of the network cap in one atomic call that
 * cannot overdraw, whatever the number of instances (batched with other patrons' openings under
 * load); a limit reached writes nothing, so nothing is counted. The rights are those of the moment of the click: a change
 * landing between the two statements is as if the click had come a moment earlier. Cap alerts
 * go once per period. Returns the provider URL built by the resource's connector.
 */
export async function openDocument(
  deps: Deps,
  actor: PatronActor | null,
  input: OpenInput,
): Promise<OpenOutcome> {
  const document = (input.document ?? '').trim();
  if (document !== '' && !isDocumentId(document)) throw invalidDocument();
  const now = deps.clock.now();
  const c = await loadOpenContext(deps.db, input.resourceId, actor?.id ?? null);
  if (!c?.resource.active) throw unknownResource();
  const { resource, patron } = c;
  if (document !== '' && resource.documents.length > 0 && !resource.documents.some((d) => d.id === document))
    throw unknownDocument();
  const network = {
    name: c.network.name,
    email: c.network.email,
    settings: resolveSettings(isProfile(c.network.profile) ? c.network.profile : 'numos', c.network.settings),
  };
  const refusal = accessRefusal({
    viewer: viewerOf(patron),
    resource,
    subscribed: c.subscribed,
    withdrawn: c.withdrawn,
    now,
    settings: network.settings,
  });
  if (refusal) throw refusal;

  const line = {
    resourceId: resource.id,
    kind: resource.kind,
    category: resource.category,
    document,
    month: parisMonthKey(now),
    at: now,
  };
  let counted = false;
  let quota: OpenOutcome['quota'] = null;
  if (patron && resource.kind !== 'open' && document !== '') {
    const limit =
      resource.kind === 'quota' && resource.category ? quotaLimit(network.settings, resource.category) : null;
    // A quota set to 0 allows nothing; the statement needs a limit of at least 1.
    if (limit !== null && limit < 1) throw quotaReached(resource.category!, limit, now);
    const capPeriod = resource.capPeriod && resource.capLimit ? capPeriodKey(resource.capPeriod, now) : null;
    const out = await consumeOpening(deps.db, {
      ...line,
      patronId: patron.id,
      libraryId: patron.libraryId,
      quota: limit !== null ? { category: resource.category!, limit } : null,
      cap: capPeriod ? { period: capPeriod, limit: resource.capLimit! } : null,
    });
    if (out.outcome === 'quota') throw quotaReached(resource.category!, limit!, now);
    if (out.outcome === 'cap') {
      // The last opening may have been cut short before its alert: the refusals make sure it goes.
      await alertCap(deps, network, resource, capPeriod!, ['full'], now);
      throw capReached(resource.capPeriod!, now);
    }
    if (out.outcome === 'counted') {
      counted = true;
      if (out.quotaUsed !== null && limit !== null) quota = { used: out.quotaUsed, limit };
      if (capPeriod && out.capUsed !== null) {
        const due = capLevelsReached(out.capUsed, resource.capLimit!, network.settings).filter((l) =>
          out.capAlertsPending.includes(l),
        );
        if (due.length) await alertCap(deps, network, resource, capPeriod, due, now);
      }
    }
  } else if (
    !(
      input.handOff &&
      patron &&
      (await openedSince(deps.db, {
        patronId: patron.id,
        resourceId: resource.id,
        since: new Date(now.getTime() - network.settings.ssoHandOffMinutes * 60_000),
      }))
    )
  )
    await recordConsultation(deps.db, {
      ...line,
      patronId: patron?.id ?? null,
      libraryId: patron?.libraryId ?? null,
    });

  const url = connectorFor(resource.connector).buildUrl(resource, connectorPatron(patron), document, now);
  return { url, resource, counted, quota };
}

function connectorPatron(patron: OpenContextPatron | null): ConnectorPatron | null {
  if (!patron) return null;
  return {
    id: patron.id,
    firstName: patron.firstName,
    lastName: patron.lastName,
    email: patron.email,
    birthDate: patron.birthDate,
  };
}

const LEVEL_ORDER: CapLevel[] = ['full', 'high', 'low'];

/**
 * Claims each due alert level (a conditional update: once per period, whatever the number of
 * instances) and queues one e-mail for the highest, in one transaction.
 */
async function alertCap(
  deps: Deps,
  network: { name: string; email: string; settings: NetworkSettings },
  resource: ResourceRow,
  periodKey: string,
  levels: CapLevel[],
  now: Date,
) {
  const limit = resource.capLimit!;
  await deps.db.transaction(async (tx) => {
    const claimed: { level: CapLevel; used: number }[] = [];
    for (const level of LEVEL_ORDER) {
      if (!levels.includes(level)) continue;
      const used = await claimCapAlert(tx, {
        resourceId: resource.id,
        period: periodKey,
        level,
        minUsed: capThreshold(level, limit, network.settings),
        at: now,
      });
      if (used !== null) claimed.push({ level, used });
    }
    // Crossing two thresholds at once (a small cap) sends one e-mail, for the higher one.
    const first = claimed[0];
    if (!first) return;
    await enqueueMail(
      tx,
      capAlertMail({
        networkName: network.name,
        to: network.email,
        resourceName: resource.name,
        level: first.level,
        percent: percentUsed(first.used, limit),
        used: first.used,
        limit,
        period: resource.capPeriod!,
        periodKey,
        now,
        resourceUrl: `${deps.baseUrl}/admin/ressources/${resource.id}`,
      }),
      now,
    );
  });
}
