import { parisDay } from '../../domain/paris.js';
import { ageOn } from '../../domain/patron-lifecycle.js';

/**
 * What a client may receive about a patron besides its pairwise `sub` (always sent, the
 * default): each field the administrator ticks, with the claim it goes in and the scope a
 * client asks it with. Nothing is sent that the administrator did not tick.
 */
export const OIDC_CLAIM_FIELDS = [
  'identifiant',
  'nom',
  'prenom',
  'courriel',
  'categorie_age',
  'bibliotheque',
  'fin_abonnement',
] as const;
export type OidcClaimField = (typeof OIDC_CLAIM_FIELDS)[number];

export const OIDC_CLAIM_OF: Record<OidcClaimField, string> = {
  identifiant: 'preferred_username',
  nom: 'family_name',
  prenom: 'given_name',
  courriel: 'email',
  categorie_age: 'age_category',
  bibliotheque: 'library',
  fin_abonnement: 'subscription_end',
};

export const OIDC_CLAIM_LABELS: Record<OidcClaimField, string> = {
  identifiant: 'Identifiant',
  nom: 'Nom',
  prenom: 'Prénom',
  courriel: 'Adresse électronique',
  categorie_age: 'Catégorie d’âge',
  bibliotheque: 'Bibliothèque',
  fin_abonnement: 'Date de fin d’abonnement',
};

/** The scopes a client asks, and the claims each brings (OpenID Connect's own for the first two). */
export const OIDC_SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['preferred_username', 'family_name', 'given_name'],
  email: ['email'],
  bibliotheque: ['age_category', 'library', 'subscription_end'],
};

export function isOidcClaimField(value: string): value is OidcClaimField {
  return (OIDC_CLAIM_FIELDS as readonly string[]).includes(value);
}

/** The fields a request for these scopes would release to a client allowed `allowed`. */
export function fieldsAsked(scopes: Iterable<string>, allowed: readonly string[]): OidcClaimField[] {
  const claims = new Set<string>();
  for (const scope of scopes) for (const c of OIDC_SCOPE_CLAIMS[scope] ?? []) claims.add(c);
  return OIDC_CLAIM_FIELDS.filter((f) => allowed.includes(f) && claims.has(OIDC_CLAIM_OF[f]));
}

export type AgeCategory = 'enfant' | 'adolescent' | 'adulte';

export function ageCategory(birthDate: string | null, birthYear: number, now: Date): AgeCategory {
  const today = parisDay(now);
  const age = birthDate ? ageOn(birthDate, today) : today.year - birthYear;
  return age < 12 ? 'enfant' : age < 18 ? 'adolescent' : 'adulte';
}

export interface ClaimSource {
  identifier: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  birthDate: string | null;
  birthYear: number;
  activeUntil: string | null;
  libraryName: string;
}

/** The claims of the fields allowed, with what the patron's record holds (absent when empty). */
export function claimsOf(patron: ClaimSource, allowed: readonly string[], now: Date): Record<string, string> {
  const values: Record<OidcClaimField, string | null> = {
    identifiant: patron.identifier,
    nom: patron.lastName,
    prenom: patron.firstName,
    courriel: patron.email,
    categorie_age: ageCategory(patron.birthDate, patron.birthYear, now),
    bibliotheque: patron.libraryName,
    fin_abonnement: patron.activeUntil,
  };
  const out: Record<string, string> = {};
  for (const f of OIDC_CLAIM_FIELDS) {
    const v = values[f];
    if (allowed.includes(f) && v) out[OIDC_CLAIM_OF[f]] = v;
  }
  return out;
}
