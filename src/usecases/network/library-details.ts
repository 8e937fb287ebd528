import { type EventRow, eventsOf } from '../../db/repositories/events.js';
import { findLibrary, type Library } from '../../db/repositories/libraries.js';
import { listStaff, type StaffRow } from '../../db/repositories/staff.js';
import type { StaffActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

export interface LibraryDetails {
  library: Library;
  staff: Array<StaffRow & { libraryNames: string[] }>;
  history: EventRow[];
}

/** A library's page: outside the actor's scope it does not exist (404). */
export async function findLibraryForActor(deps: Deps, actor: StaffActor, id: string): Promise<Library> {
  const library = await findLibrary(deps.db, actor.scope, id);
  if (!library) throw notFound('Cette bibliothèque');
  return library;
}

/** A library found in the actor's scope, with the accounts attached to it and its last 50 changes. */
export async function loadLibraryDetails(deps: Deps, library: Library): Promise<LibraryDetails> {
  // The accounts attached to this library: a scope narrowed to it (the actor's own scope was checked).
  const [staff, history] = await Promise.all([
    listStaff(deps.db, { all: false, libraryIds: [library.id] }),
    eventsOf(deps.db, { kind: 'library', id: library.id }, 50),
  ]);
  return { library, staff, history };
}
