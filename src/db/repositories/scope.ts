import { type AnyColumn, inArray, type SQL, sql } from 'drizzle-orm';
import type { LibraryScope } from '../../domain/actor.js';

/** SQL condition restricting a library id column to the actor's scope. */
export function libraryScopeCondition(scope: LibraryScope, column: AnyColumn): SQL {
  if (scope.all) return sql`true`;
  if (scope.libraryIds.length === 0) return sql`false`;
  return inArray(column, [...scope.libraryIds]);
}
