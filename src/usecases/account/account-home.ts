import { findPatronById, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import type { PatronActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import { parisToday } from '../../domain/renewal-rules.js';
import type { Deps } from '../deps.js';
import { type AccountUsage, loadAccountUsage } from '../resources/account-usage.js';
import { latestMessages } from './patron-messages.js';

export interface AccountHome {
  patron: PatronWithLibrary;
  usage: AccountUsage;
  messages: Awaited<ReturnType<typeof latestMessages>>;
  /** Paris day (AAAA-MM-JJ), to offer renewal near the end date. */
  today: string;
}

/** Everything "Mon compte" shows: the patron's record, quotas and consultations, latest messages. */
export async function loadAccountHome(deps: Deps, actor: Pick<PatronActor, 'id'>): Promise<AccountHome> {
  const patron = await findPatronById(deps.db, actor.id);
  if (!patron) throw notFound('Ce compte');
  const usage = await loadAccountUsage(deps, patron);
  const messages = await latestMessages(deps, patron);
  return { patron, usage, messages, today: parisToday(deps.clock.now()) };
}
