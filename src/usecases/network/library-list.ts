import { type Library, type LibraryFilter, pageOfLibraries } from '../../db/repositories/libraries.js';
import type { LibraryScope, StaffActor } from '../../domain/actor.js';
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
export function listLibraryPage(
  deps: Deps,
  actor: StaffActor,
  query: LibraryListQuery,
  pageSize = LIBRARY_PAGE_SIZE,
): Promise<LibraryList> {
  return pageThrough(
    deps,
    actor.scope,
    { query: query.q, activeOnly: query.etat === 'actives', inactiveOnly: query.etat === 'desactivees' },
    query.page,
    pageSize,
  );
}

/** The network's directory for anyone (/bibliotheques): active libraries only, one page at a time. */
export function listDirectoryPage(
  deps: Deps,
  query: { q: string; page: number },
  pageSize = LIBRARY_PAGE_SIZE,
): Promise<LibraryList> {
  return pageThrough(deps, { all: true }, { query: query.q, activeOnly: true }, query.page, pageSize);
}

async function pageThrough(
  deps: Deps,
  scope: LibraryScope,
  filter: LibraryFilter,
  wanted: number,
  pageSize: number,
): Promise<LibraryList> {
  const read = (page: number) =>
    pageOfLibraries(deps.db, scope, filter, { limit: pageSize, offset: (page - 1) * pageSize });
  let page = Math.max(1, wanted);
  let { rows, total } = await read(page);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  if (page > pageCount) {
    page = pageCount;
    ({ rows, total } = await read(page));
  }
  return { libraries: rows, total, page, pageCount };
}
