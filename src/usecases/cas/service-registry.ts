import { serviceMatches } from '../../connectors/cas/protocol.js';
import type { Executor } from '../../db/client.js';
import { type CasServiceRow, enabledCasServices } from '../../db/repositories/cas.js';

/**
 * The registered service a `service` URL belongs to: among the enabled services of active
 * resources, the one with the longest matching prefix. Null: nothing gets a ticket, nothing is
 * redirected to.
 */
export async function registeredService(db: Executor, service: string): Promise<CasServiceRow | null> {
  let best: CasServiceRow | null = null;
  for (const s of await enabledCasServices(db))
    if (
      serviceMatches(s.servicePrefix, service) &&
      (!best || s.servicePrefix.length > best.servicePrefix.length)
    )
      best = s;
  return best;
}
