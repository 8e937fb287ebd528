import { deleteSession } from '../../db/repositories/sessions.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export async function logOut(deps: Deps, token: string | undefined): Promise<void> {
  if (token) await deleteSession(deps.db, sha256(token));
}
