import { logOut } from '../auth/log-out.js';
import type { Deps } from '../deps.js';
import { registeredService } from './service-registry.js';

/**
 * /cas/logout (CAS 3.0 §2.3): ends the Sésame session (the single sign-on session), then sends
 * the browser to `service` only if it is a registered service; otherwise null, and the page
 * says the patron is logged out. Single logout (§2.3.3, optional) is not done: providers are
 * not called back.
 */
export async function casLogout(
  deps: Deps,
  input: { sessionToken: string | undefined; service: string | undefined },
): Promise<{ redirect: string | null }> {
  await logOut(deps, input.sessionToken);
  if (input.service === undefined) return { redirect: null };
  const registered = await registeredService(deps.db, input.service);
  return { redirect: registered ? input.service : null };
}
