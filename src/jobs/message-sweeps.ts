import { deleteStaleThreads } from '../db/repositories/messages.js';
import { getNetwork } from '../db/repositories/network.js';
import { DAY, MINUTE } from '../domain/clock.js';
import { ERASED_PATRON_LABEL } from '../domain/erasure.js';
import type { Deps } from '../usecases/deps.js';
import type { Sweep } from './sweeps.js';

const BATCH = 500;

/**
 * RGPD retention of messages: a conversation without an account (a visitor's support question)
 * is deleted once its last message is older than the network's retention period. A patron's
 * conversations go with their account's data (erasure, retention: see anonymisePatrons).
 */
export async function purgeStaleMessages(deps: Pick<Deps, 'db' | 'clock'>): Promise<{ threads: number }> {
  const network = await getNetwork(deps.db);
  const before = new Date(deps.clock.now().getTime() - network.settings.retentionDays * DAY);
  let threads = 0;
  for (;;) {
    const n = await deps.db.transaction((tx) => deleteStaleThreads(tx, before, BATCH, ERASED_PATRON_LABEL));
    threads += n;
    if (n < BATCH) break;
  }
  return { threads };
}

export const MESSAGE_SWEEPS: Sweep[] = [
  {
    name: 'message-retention',
    description: 'supprime les questions de visiteurs au support dont la durée de conservation est passée',
    intervalMs: 60 * MINUTE,
    run: (ctx) => purgeStaleMessages({ db: ctx.db, clock: ctx.clock }),
  },
];
