import { type Library, pageOfLibraries } from '../../db/repositories/libraries.js';
import type { StaffActor } from '../../domain/actor.js';
import type { Deps } from '../deps.js';

export const LIBRARY_PAGE_SIZE = 50;

export interface LibraryListQuery {
  q: string;
  etat?: 'actives' | 'desactivees';
  page: number;
}

export interface LibraryList {
  libraries: Library[];
  total: number;
  /** The page shown: a page past the end shows the last one. */
  page: number;
  pageCount: number;
}

/** The libraries the actor may see, filtered, one page at a time. */
export async function listLibraryPage(
  deps: Deps,
  actor: StaffActor,
  query: LibraryListQuery,
  pageSize = LIBRARY_PAGE_SIZE,
): Promise<LibraryList> {
  const filter = {
    query: query.q,
    activeOnly: query.etat === 'actives',
    inactiveOnly: query.etat === 'desactivees',
  };
  const read = (page: number) =>
    pageOfLibraries(deps.db, actor.scope, filter, { limit: pageSize, offset: (page - 1) * pageSize });
  let page = Math.max(1, query.page);
  let { rows, total } = await read(page);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  if (page > pageCount) {
    page = pageCount;
    ({ rows, total } = await read(page));
  }
  return { libraries: rows, total, page, pageCount };
}
