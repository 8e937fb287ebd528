import type { NetworkSettings } from './settings.js';

/**
 * The catalog's vocabulary (SPEC §3, NuMos preamble): three kinds of content, four quota
 * categories with their network settings, four audiences, the connectors to providers.
 */

export const RESOURCE_KINDS = ['open', 'unlimited', 'quota'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const QUOTA_CATEGORIES = ['films', 'books', 'magazines', 'newspapers'] as const;
export type QuotaCategory = (typeof QUOTA_CATEGORIES)[number];

export const AUDIENCES = ['all', '12', '16', '18'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const CONNECTOR_KINDS = ['signed_link', 'mn_sso', 'direct'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

export const CAP_PERIODS = ['month', 'year'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

/** Personal fields a Médiathèque Numérique style link may carry, each only when ticked. */
export const MN_PERSONAL_FIELDS = ['email', 'nom', 'prenom', 'dnaiss'] as const;
export type MnPersonalField = (typeof MN_PERSONAL_FIELDS)[number];

/**
 * How Sésame hands the patron to the provider. One shape for every connector: the URL template
 * with its placeholders, the shared secret (HMAC key or `id_encrypted` key), and for the
 * Médiathèque Numérique format the SSO id and the personal fields the administrator ticked.
 */
export interface ConnectorConfig {
  urlTemplate: string;
  secret?: string;
  ssoId?: string;
  /** Médiathèque Numérique format: the provider's sso_login address. */
  loginUrl?: string;
  fields?: MnPersonalField[];
  /** Minutes a signed link stays valid. */
  linkMinutes?: number;
  /**
   * Seeded for the built-in demo provider, which Sésame serves itself: its addresses follow
   * BASE_URL at every start. Saving the resource from the catalog form drops the mark.
   */
  demo?: boolean;
}

/** A document the catalog shows for a resource (optional: providers may also link back to Sésame). */
export interface ResourceDocument {
  id: string;
  title: string;
}

/** The labels patrons see, with the NuMos names of the kinds. */
export const KIND_LABELS: Record<ResourceKind, string> = {
  open: 'Ressource libre',
  unlimited: 'Accès libre',
  quota: 'Forfait',
};

export const KIND_SECTION_TITLES: Record<ResourceKind, string> = {
  open: 'Ressources libres',
  unlimited: 'Accès libre (illimité)',
  quota: 'Forfait',
};

export const KIND_DESCRIPTIONS: Record<ResourceKind, string> = {
  open: 'Gratuites et consultables par tous, sans inscription.',
  unlimited: 'Sans limite de consultation, pour les usagers inscrits, y compris avec un compte temporaire.',
  quota: 'Pour les usagers dont l’inscription est validée, dans la limite d’un quota mensuel par catégorie.',
};

/** DSFR badge classes for the kind marks (the label is always written too). */
export const KIND_BADGES: Record<ResourceKind, string> = {
  open: 'fr-badge--info',
  unlimited: 'fr-badge--success',
  quota: 'fr-badge--new',
};

export const CATEGORY_LABELS: Record<QuotaCategory, string> = {
  films: 'Films',
  books: 'Livres numériques et BD',
  magazines: 'Magazines',
  newspapers: 'Presse quotidienne',
};

/** Words for a refusal message: "vos 4 films", "votre film", "prochain film". */
export const CATEGORY_NOUNS: Record<QuotaCategory, { one: string; many: string }> = {
  films: { one: 'film', many: 'films' },
  books: { one: 'livre ou BD', many: 'livres numériques et BD' },
  magazines: { one: 'magazine', many: 'magazines' },
  newspapers: { one: 'quotidien', many: 'quotidiens' },
};

export const QUOTA_SETTING: Record<
  QuotaCategory,
  'quotaFilms' | 'quotaBooks' | 'quotaMagazines' | 'quotaNewspapers'
> = {
  films: 'quotaFilms',
  books: 'quotaBooks',
  magazines: 'quotaMagazines',
  newspapers: 'quotaNewspapers',
};

/** The monthly quota of a category, read at the moment of use: a change applies at once. */
export function quotaLimit(settings: NetworkSettings, category: QuotaCategory): number {
  return settings[QUOTA_SETTING[category]];
}

export const AUDIENCE_MIN_AGE: Record<Audience, number> = { all: 0, '12': 12, '16': 16, '18': 18 };

export const AUDIENCE_LABELS: Record<Audience, string> = {
  all: 'Tout public',
  '12': '12 ans et plus',
  '16': '16 ans et plus',
  '18': '18 ans et plus',
};

export const CONNECTOR_LABELS: Record<ConnectorKind, string> = {
  signed_link: 'Lien signé Sésame (HMAC-SHA256)',
  mn_sso: 'Lien au format Médiathèque Numérique (sso_login)',
  direct: 'Lien simple, sans donnée personnelle (ressources libres)',
};

export const MN_FIELD_LABELS: Record<MnPersonalField, string> = {
  email: 'Courriel (email)',
  nom: 'Nom (nom)',
  prenom: 'Prénom (prenom)',
  dnaiss: 'Date de naissance (dnaiss)',
};

export const CAP_PERIOD_LABELS: Record<CapPeriod, string> = {
  month: 'par mois',
  year: 'par année civile',
};

/** Provider document identifiers: short, no spaces, safe in a URL path or query. */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export function isDocumentId(v: string): boolean {
  return DOCUMENT_ID_PATTERN.test(v);
}

export function isResourceKind(v: string): v is ResourceKind {
  return (RESOURCE_KINDS as readonly string[]).includes(v);
}

export function isQuotaCategory(v: string): v is QuotaCategory {
  return (QUOTA_CATEGORIES as readonly string[]).includes(v);
}
