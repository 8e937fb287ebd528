import { findThreadForPatron, patronThreads, type ThreadDetail } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import type { PatronActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import { ownAccount } from '../account/own-account.js';
import { listMessages } from '../account/patron-messages.js';
import type { Deps } from '../deps.js';

/**
 * "Mes messages": the patron's conversations with their library and with support (latest
 * first), then the e-mails they received.
 */
export async function loadMessagesPage(deps: Deps, actor: PatronActor, page: number) {
  const [threads, list] = await Promise.all([
    patronThreads(deps.db, actor.id, 100),
    listMessages(deps, actor, page),
  ]);
  return { threads, list };
}

/** One of the patron's conversations; another person's is "not found", whatever the id. */
export async function openPatronThread(
  deps: Deps,
  actor: PatronActor,
  id: string,
): Promise<{ thread: ThreadDetail; networkName: string }> {
  const thread = await findThreadForPatron(deps.db, actor.id, id);
  if (!thread) throw notFound('Cette conversation');
  const network = await getNetwork(deps.db);
  return { thread, networkName: network.name };
}

/** What the "Écrire à ma médiathèque" form shows: the library written to and the account's address. */
export async function writeFormContext(deps: Deps, actor: PatronActor) {
  const patron = await ownAccount(deps.db, actor);
  return { libraryName: patron.libraryName, email: patron.email ?? '' };
}
