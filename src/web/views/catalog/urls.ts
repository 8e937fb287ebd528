/** The addresses of the patron's catalog, for its pages and for links to it. */

export const CATALOG_URL = '/ressources';
export const YOUTH_URL = '/ressources/jeunesse';

export function openHref(resourceId: string, document?: string, lastUnit = false): string {
  const base = `/ressources/${resourceId}/ouvrir`;
  if (!document) return base;
  // The month's last unit: the opening asks first (openingConfirmation).
  return `${base}?document=${encodeURIComponent(document)}${lastUnit ? '&confirmer=1' : ''}`;
}

/**
 * A local path to go to after login, made to ask before counting when it opens a document:
 * the login page's own redirect is same-origin, whoever wrote the link that led to it.
 */
export function askingBeforeOpening(path: string): string {
  if (!/^\/ressources\/[^/?#]+\/ouvrir\?/.test(path) || /[?&]confirmer=1(?:&|#|$)/.test(path)) return path;
  const hash = path.indexOf('#');
  return hash < 0 ? `${path}&confirmer=1` : `${path.slice(0, hash)}&confirmer=1${path.slice(hash)}`;
}
