import { type EventRow, eventsOf } from '../../db/repositories/events.js';
import { listLibraries } from '../../db/repositories/libraries.js';
import { getNetwork } from '../../db/repositories/network.js';
import { findPatronForStaff, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import type { NetworkSettings } from '../../domain/settings.js';
import type { Deps } from '../deps.js';
import { loadResourcesTab, type ResourcesTabData } from '../resources/patron-rights.js';
import { type DecisionPanelData, loadDecisionPanel } from './decision-panel.js';
import { loadPatronTools, type PatronToolsData } from './patron-tools.js';

/** Everything the staff record page shows, read at one instant (`now`). */
export interface PatronRecordData {
  patron: PatronWithLibrary;
  now: Date;
  settings: NetworkSettings;
  history: EventRow[];
  /** Names of the libraries a network administrator acted for, by id (history only). */
  libraryNames: Map<string, string>;
  panel: DecisionPanelData | null;
  tools: PatronToolsData | null;
  resources: ResourcesTabData;
}

/** A patron as staff may see it; 404 outside their libraries, whatever the URL. */
export async function findPatronForActor(
  deps: Deps,
  actor: StaffActor,
  patronId: string,
): Promise<PatronWithLibrary> {
  const patron = await findPatronForStaff(deps.db, actor.scope, patronId);
  if (!patron) throw notFound('Cet usager');
  return patron;
}

/** The patron's record for staff; another library's patron does not exist (404). */
export async function loadPatronRecord(
  deps: Deps,
  actor: StaffActor,
  patronId: string,
): Promise<PatronRecordData> {
  const patron = await findPatronForActor(deps, actor, patronId);
  const [history, panel, tools, resources, network] = await Promise.all([
    eventsOf(deps.db, { kind: 'patron', id: patron.id }),
    loadDecisionPanel(deps, actor, patron),
    loadPatronTools(deps, actor, patron),
    loadResourcesTab(deps, actor, patron),
    getNetwork(deps.db),
  ]);
  const behalfIds = [
    ...new Set(history.map((e) => e.onBehalfOfLibraryId).filter((id): id is string => !!id)),
  ];
  // Named for the history only: these ids come from this patron's own events.
  const libraryNames = new Map(
    behalfIds.length
      ? (await listLibraries(deps.db, { all: false, libraryIds: behalfIds })).map((l) => [l.id, l.name])
      : [],
  );
  return {
    patron,
    now: deps.clock.now(),
    settings: network.settings,
    history,
    libraryNames,
    panel,
    tools,
    resources,
  };
}
