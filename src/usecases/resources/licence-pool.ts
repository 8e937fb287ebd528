import { type Executor, lockUntilCommit } from '../../db/client.js';
import type { Network } from '../../db/repositories/network.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { claimNetworkAlert, countLicencedPatrons } from '../../db/repositories/resources.js';
import { DomainError } from '../../domain/errors.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import { percentUsed } from '../../domain/resource-access.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { licencePoolFullMail, licencePoolWarningMail } from '../../mail/resource-mails.js';
import type { Deps } from '../deps.js';

/**
 * The licence pool: patron accounts the network bought for the year. Every active patron
 * (renewal requests included) uses one. At the limit, accepting a new patron is refused with a
 * clear message and the request stays pending — never silently refused — and the network is
 * alerted by e-mail, once a day.
 */

const numberFormat = new Intl.NumberFormat('fr-FR');

export class LicencePoolFullError extends DomainError {
  constructor(
    readonly pool: number,
    readonly used: number,
  ) {
    super(
      'licence_pool_full',
      `Toutes les licences achetées par le réseau sont utilisées (${numberFormat.format(used)} comptes actifs pour ${numberFormat.format(pool)} achetés) : impossible de valider une nouvelle inscription pour le moment. La demande reste en attente, rien n’est refusé ; l’administration du réseau est prévenue. Réessayez quand de nouvelles licences auront été ajoutées.`,
      409,
    );
    this.name = 'LicencePoolFullError';
  }
}

export interface LicencePoolStatus {
  pool: number;
  used: number;
  available: number;
  percent: number;
  level: 'ok' | 'warning' | 'full';
}

export function licenceStatus(used: number, settings: NetworkSettings): LicencePoolStatus {
  const pool = settings.licencePool;
  const percent = percentUsed(used, pool);
  return {
    pool,
    used,
    available: Math.max(0, pool - used),
    percent: pool > 0 ? percent : 100,
    level: used >= pool ? 'full' : used * 100 >= settings.licenceWarningPercent * pool ? 'warning' : 'ok',
  };
}

export async function licencePoolStatus(db: Executor, settings: NetworkSettings): Promise<LicencePoolStatus> {
  return licenceStatus(await countLicencedPatrons(db), settings);
}

/**
 * Call inside the transaction that accepts a new registration, before the state change.
 * Accepts are serialised on an advisory lock for the rest of the transaction, so two libraries
 * accepting at the same time cannot both take the last licence. Throws LicencePoolFullError at
 * the limit; past the warning threshold, queues the daily warning with the acceptance.
 */
export async function assertLicenceAvailable(
  tx: Executor,
  network: Network,
  now: Date,
  baseUrl: string,
): Promise<LicencePoolStatus> {
  await lockUntilCommit(tx, 'licence-pool');
  const used = await countLicencedPatrons(tx);
  const status = licenceStatus(used, network.settings);
  if (status.level === 'full') throw new LicencePoolFullError(status.pool, used);
  const after = licenceStatus(used + 1, network.settings);
  if (after.level !== 'ok' && (await claimNetworkAlert(tx, `licence_warning:${isoDate(parisDay(now))}`, now)))
    await enqueueMail(
      tx,
      licencePoolWarningMail({
        networkName: network.name,
        to: network.email,
        pool: after.pool,
        used: after.used,
        percent: after.percent,
        dashboardUrl: `${baseUrl}/admin`,
      }),
      now,
    );
  return status;
}

/**
 * Runs an accepting action (its own transaction); if it failed because the pool is full, the
 * network is alerted in a transaction of its own — the failed one rolled back — once a day.
 */
export async function withLicencePoolAlert<T>(deps: Deps, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (e instanceof LicencePoolFullError) await alertLicencePoolFull(deps, e);
    throw e;
  }
}

export async function alertLicencePoolFull(deps: Deps, e: LicencePoolFullError): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!(await claimNetworkAlert(tx, `licence_full:${isoDate(parisDay(now))}`, now))) return false;
    const network = await getNetwork(tx);
    await enqueueMail(
      tx,
      licencePoolFullMail({
        networkName: network.name,
        to: network.email,
        pool: e.pool,
        used: e.used,
        now,
        dashboardUrl: `${deps.baseUrl}/admin`,
      }),
      now,
    );
    return true;
  });
}
