import { randomBytes } from 'node:crypto';

/**
 * The CAS 3.0 protocol as Sésame speaks it (Apereo's CAS Protocol Specification 3.0.3): service
 * tickets, the service registry's URL check, and the validation answers in XML (Appendix A) and
 * JSON (§2.5.2). Pure: no database, no clock.
 */

export const CAS_NAMESPACE = 'http://www.yale.edu/tp/cas';

/** The attributes an administrator may release, beyond the pseudonymous `user`. */
export const CAS_ATTRIBUTES = [
  'identifiant',
  'nom',
  'prenom',
  'courriel',
  'categorie_age',
  'bibliotheque',
  'fin_abonnement',
] as const;
export type CasAttribute = (typeof CAS_ATTRIBUTES)[number];

export const CAS_ATTRIBUTE_LABELS: Record<CasAttribute, string> = {
  identifiant: 'Identifiant de connexion (identifiant)',
  nom: 'Nom (nom)',
  prenom: 'Prénom (prenom)',
  courriel: 'Courriel (courriel)',
  categorie_age: 'Catégorie d’âge : moins-de-12, 12-15, 16-17 ou 18-et-plus (categorie_age)',
  bibliotheque: 'Bibliothèque de rattachement, code et nom (bibliotheque, bibliotheque_code)',
  fin_abonnement: 'Fin d’abonnement, AAAA-MM-JJ (fin_abonnement)',
};

export function isCasAttribute(v: string): v is CasAttribute {
  return (CAS_ATTRIBUTES as readonly string[]).includes(v);
}

/**
 * `ST-` and 43 characters of base64url without `_`: 256 random bits in the set the
 * specification allows (§3.7: A-Z, a-z, 0-9 and the hyphen), 46 characters in all (§3.1.1
 * asks services to take up to 32, recommends 256).
 */
export function newServiceTicket(): string {
  return `ST-${randomBytes(32).toString('base64url').replaceAll('_', '-')}`;
}

/** Anything a client could send as a ticket; longer or other characters are unknown at once. */
export function looksLikeTicket(v: string): boolean {
  return /^[A-Za-z0-9-]{1,256}$/.test(v);
}

const TEST_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A service URL as the registry accepts it: absolute, http(s), no user name or password, http
 * only on the machine itself (tests, a provider's local proxy). Returns the normalised form
 * (a bare origin gets its "/"), or null.
 */
export function parseServiceUrl(value: string): URL | null {
  // Printable ASCII only: the URL goes back verbatim into a Location header.
  if (value.length > 2000 || /[^\x21-\x7e]|\\/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && TEST_HOSTS.has(url.hostname)) return url;
  return null;
}

/**
 * The registered prefix an administrator typed, normalised; null when it is not a prefix that
 * can only match the provider's own addresses: it needs a path ending in "/" after the host (or
 * a path of its own), so that `https://fournisseur.example` cannot match
 * `https://fournisseur.example.pirate.example/`.
 */
export function normaliseServicePrefix(value: string): string | null {
  const url = parseServiceUrl(value.trim());
  if (!url || url.hash) return null;
  return url.href;
}

/**
 * Whether `service` (as the client sent it) is one of the registered provider's addresses:
 * a valid service URL whose text and whose normalised form both start with the prefix. Comparing
 * both refuses tricks such as `https://fournisseur.example/../` or encoded hosts.
 */
export function serviceMatches(prefix: string, service: string): boolean {
  const url = parseServiceUrl(service);
  if (!url) return false;
  return service.startsWith(prefix) && url.href.startsWith(prefix);
}

/** The service URL with `ticket` added (Appendix B), before any fragment. */
export function serviceWithTicket(service: string, ticket: string): string {
  const hash = service.indexOf('#');
  const base = hash < 0 ? service : service.slice(0, hash);
  const fragment = hash < 0 ? '' : service.slice(hash);
  const sep = base.includes('?') ? '&' : '?';
  return `${base}${sep}ticket=${encodeURIComponent(ticket)}${fragment}`;
}

export type CasErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_TICKET_SPEC'
  | 'INVALID_TICKET'
  | 'INVALID_SERVICE'
  | 'INVALID_PROXY_CALLBACK'
  | 'INTERNAL_ERROR';

export type CasAttributeValue = string | string[];

export type CasValidation =
  | { ok: true; user: string; attributes: Record<string, CasAttributeValue> | null }
  | { ok: false; code: CasErrorCode; description: string };

export type CasFormat = 'XML' | 'JSON';

/** `format` of §2.5.1: absent means XML; an unknown value is an error, answered in XML. */
export function parseFormat(value: unknown): CasFormat | null {
  if (value === undefined) return 'XML';
  if (typeof value !== 'string') return null;
  const v = value.toUpperCase();
  return v === 'XML' || v === 'JSON' ? v : null;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** The validation answer of Appendix A; attribute names are Sésame's own, all XML names. */
export function validationXml(v: CasValidation): string {
  const lines = [`<cas:serviceResponse xmlns:cas="${CAS_NAMESPACE}">`];
  if (v.ok) {
    lines.push('  <cas:authenticationSuccess>', `    <cas:user>${escapeXml(v.user)}</cas:user>`);
    if (v.attributes) {
      lines.push('    <cas:attributes>');
      for (const [name, value] of Object.entries(v.attributes))
        for (const one of [value].flat()) lines.push(`      <cas:${name}>${escapeXml(one)}</cas:${name}>`);
      lines.push('    </cas:attributes>');
    }
    lines.push('  </cas:authenticationSuccess>');
  } else
    lines.push(
      `  <cas:authenticationFailure code="${v.code}">${escapeXml(v.description)}</cas:authenticationFailure>`,
    );
  lines.push('</cas:serviceResponse>', '');
  return lines.join('\n');
}

export function validationJson(v: CasValidation): string {
  const body = v.ok
    ? { authenticationSuccess: { user: v.user, ...(v.attributes ? { attributes: v.attributes } : {}) } }
    : { authenticationFailure: { code: v.code, description: v.description } };
  return JSON.stringify({ serviceResponse: body });
}
