import { patronThreads, type ThreadDetail } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import {
  type HistoryEvent,
  type PatronConsultation,
  type PatronMessage,
  patronConsultations,
  patronHistory,
  patronMessages,
} from '../../db/repositories/patron-data.js';
import type { PatronWithLibrary } from '../../db/repositories/patrons.js';
import type { PatronActor } from '../../domain/actor.js';
import type { Deps } from '../deps.js';
import { ownAccount } from './own-account.js';
import { hideSecretLinks } from './patron-messages.js';

export interface PatronData {
  networkName: string;
  at: Date;
  patron: PatronWithLibrary;
  /** Oldest first. */
  history: HistoryEvent[];
  /** Newest first. */
  consultations: PatronConsultation[];
  /** Newest first, single-use links hidden. */
  messages: PatronMessage[];
  /** Conversations with the library and with support, latest first, with every message. */
  threads: ThreadDetail[];
}

/** Enough for any real account; a download never grows without bound. */
const MAX_MESSAGES = 5_000;

/**
 * "Télécharger mes données" (RGPD right of access): everything Sésame keeps about the patron,
 * for the readable page and the JSON file alike.
 */
export async function collectPatronData(deps: Deps, actor: PatronActor): Promise<PatronData> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const patron = await ownAccount(deps.db, actor);
  const [history, consultations, messages, threads] = await Promise.all([
    patronHistory(deps.db, patron.id),
    patronConsultations(deps.db, patron.id),
    patronMessages(deps.db, patron.id, now, { limit: MAX_MESSAGES, offset: 0 }),
    patronThreads(deps.db, patron.id, MAX_MESSAGES),
  ]);
  return {
    networkName: network.name,
    at: now,
    patron,
    history,
    consultations,
    messages: messages.rows.map((m) => ({ ...m, text: hideSecretLinks(m.text) })),
    threads,
  };
}
