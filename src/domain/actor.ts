/**
 * Who is acting, and which libraries' patrons they may see. Every staff query receives the
 * scope and filters by it in SQL.
 */
export type LibraryScope = { all: true } | { all: false; libraryIds: readonly string[] };

export type StaffRole = 'library_staff' | 'network_admin';

export interface StaffActor {
  kind: 'staff';
  id: string;
  name: string;
  identifier: string;
  role: StaffRole;
  scope: LibraryScope;
}

/** A patron logged in to the portal (their own account only). */
export interface PatronActor {
  kind: 'patron';
  id: string;
  firstName: string;
  lastName: string;
  identifier: string;
  state: import('./patron-lifecycle.js').PatronState;
  libraryId: string;
}

export type Actor = StaffActor;

export const SYSTEM = { kind: 'system' as const, label: 'Sésame' };

export function scopeFor(role: StaffRole, libraryIds: readonly string[]): LibraryScope {
  return role === 'network_admin' ? { all: true } : { all: false, libraryIds };
}

export function inScope(scope: LibraryScope, libraryId: string): boolean {
  return scope.all || scope.libraryIds.includes(libraryId);
}

export const ROLE_LABELS: Record<StaffRole, string> = {
  library_staff: 'Bibliothèque',
  network_admin: 'Administration du réseau',
};
