import { type Library, listLibraries } from '../../db/repositories/libraries.js';
import type { Deps } from '../deps.js';

/** The libraries a person may register with from the public form: every active one of the network. */
export function registrationLibraries(deps: Pick<Deps, 'db'>): Promise<Library[]> {
  return listLibraries(deps.db, { all: true }, { activeOnly: true });
}
