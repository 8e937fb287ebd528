/**
 * Every number of a rule is a network setting. A network is created from a profile
 * (the seed procedure it follows); administrators change values afterwards.
 */

export type ProfileName = 'numos' | 'mdo';

type NumberSetting = {
  kind: 'number';
  label: string;
  unit: string;
  min: number;
  max: number;
  group: SettingGroup;
  defaults: Record<ProfileName, number>;
};
type BooleanSetting = {
  kind: 'boolean';
  label: string;
  group: SettingGroup;
  defaults: Record<ProfileName, boolean>;
};
type ChoiceSetting<C extends string> = {
  kind: 'choice';
  label: string;
  group: SettingGroup;
  choices: Record<C, string>;
  defaults: Record<ProfileName, C>;
};

/** A line of text (contact details, e-mail footer, a format); empty when the network has none. */
type TextSetting = {
  kind: 'text';
  label: string;
  hint: string;
  group: SettingGroup;
  maxLength: number;
  /** An extra rule on a non-empty value, with its French message. */
  check?: { pattern: RegExp; message: string };
  defaults: Record<ProfileName, string>;
};

export type SettingGroup = 'reseau' | 'inscription' | 'abonnement' | 'quotas' | 'securite' | 'licences';

export const SETTING_GROUPS: Record<SettingGroup, string> = {
  reseau: 'Coordonnées du réseau et courriels',
  inscription: 'Inscriptions et validation',
  abonnement: 'Abonnement, renouvellement et données personnelles',
  quotas: 'Quotas mensuels et limites',
  licences: 'Licences achetées',
  securite: 'Mots de passe et connexion',
};

const n = (
  group: SettingGroup,
  label: string,
  unit: string,
  min: number,
  max: number,
  numos: number,
  mdo = numos,
): NumberSetting => ({ kind: 'number', group, label, unit, min, max, defaults: { numos, mdo } });
const b = (group: SettingGroup, label: string, numos: boolean, mdo = numos): BooleanSetting => ({
  kind: 'boolean',
  group,
  label,
  defaults: { numos, mdo },
});

const t = (
  group: SettingGroup,
  label: string,
  hint: string,
  maxLength: number,
  numos: string,
  mdo: string,
  check?: TextSetting['check'],
): TextSetting => ({ kind: 'text', group, label, hint, maxLength, check, defaults: { numos, mdo } });

/** "52#####": # stands for one digit, other characters are written as they are. */
export const IDENTIFIER_FORMAT_PATTERN = /^[A-Za-z0-9#._-]{1,40}$/;

export const SETTINGS = {
  contactAddress: t(
    'reseau',
    'Adresse postale du réseau',
    'Affichée en pied de page et sur la page d’aide.',
    200,
    'Département de la Moselle · 1 rue des Exemples · CS 00000 · 57000 Metz Cedex 1',
    'Médiathèque départementale · 12 avenue des Exemples · 60000 Beauvais',
  ),
  contactPhones: t(
    'reseau',
    'Téléphones du réseau',
    'Un ou plusieurs numéros, par exemple « 03 00 00 00 01 (usagers) · 03 00 00 00 02 (bibliothèques) ».',
    200,
    '03 00 00 00 51 (usagers) · 03 00 00 00 64 (bibliothèques)',
    '03 00 00 00 00',
  ),
  contactEmail: t(
    'reseau',
    'Adresse électronique affichée au public',
    'Affichée en pied de page et sur la page d’aide (peut différer de l’adresse qui reçoit les copies).',
    254,
    'numerique@exemple.fr',
    'contact-mdo@exemple.fr',
    {
      pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      message: 'Saisissez une adresse électronique valide, par exemple reseau@exemple.fr.',
    },
  ),
  contactHours: t(
    'reseau',
    'Horaires de contact',
    'Par exemple « du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h ».',
    200,
    'du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h',
    'du lundi au vendredi, de 9 h à 17 h',
  ),
  mailFooter: t(
    'reseau',
    'Ligne de signature des courriels',
    'Dernière ligne de chaque courriel envoyé aux usagers et aux bibliothèques.',
    200,
    'NuMos, une initiative du Département de la Moselle',
    'La médiathèque numérique, un service de la Médiathèque départementale',
  ),
  staffIdentifierFormat: t(
    'reseau',
    'Format des identifiants des comptes du personnel',
    'Chaque # remplace un chiffre (par exemple 52##### pour 52 suivi de 5 chiffres). Laissez vide pour accepter tout identifiant.',
    40,
    '52#####',
    '',
    {
      pattern: IDENTIFIER_FORMAT_PATTERN,
      message:
        'Utilisez seulement des lettres, des chiffres, « . », « _ », « - » et # pour un chiffre (40 caractères au plus).',
    },
  ),

  selfRegistration: b('inscription', 'Les usagers peuvent s’inscrire eux-mêmes en ligne', true, false),
  staffRegistration: b('inscription', 'Les bibliothèques peuvent inscrire leurs usagers', true, true),
  confirmationDays: n('inscription', 'Délai pour confirmer son adresse électronique', 'jours', 1, 90, 15),
  confirmationReminderDays: n(
    'inscription',
    'Rappel avant expiration du lien de confirmation',
    'jours avant',
    0,
    30,
    3,
  ),
  temporaryAccountDays: n('inscription', 'Durée maximale du compte temporaire', 'jours', 1, 90, 31),
  escalationDays: n('inscription', 'Demande en retard après', 'jours sans décision', 1, 60, 5, 7),
  undoMinutes: n('inscription', 'Délai pour annuler une décision', 'minutes', 0, 60, 10),
  setPasswordLinkDays: n(
    'inscription',
    'Validité du lien « Définissez votre mot de passe »',
    'jours',
    1,
    30,
    7,
  ),

  membershipDays: n('abonnement', 'Durée d’un abonnement', 'jours', 1, 1096, 365),
  membershipAnchor: {
    kind: 'choice',
    group: 'abonnement',
    label: 'L’abonnement court à partir de',
    choices: { decision: 'la date de validation', registration: 'la date d’inscription' },
    defaults: { numos: 'decision', mdo: 'registration' },
  } satisfies ChoiceSetting<'decision' | 'registration'>,
  onlineRenewal: b(
    'abonnement',
    'Les usagers peuvent demander le renouvellement en ligne (sinon, ils se rendent à leur bibliothèque)',
    true,
    false,
  ),
  renewalReminderDays: n('abonnement', 'Rappel de renouvellement', 'jours avant la fin', 0, 90, 15),
  retentionDays: n(
    'abonnement',
    'Conservation des données après la fin de l’abonnement',
    'jours',
    30,
    1096,
    365,
  ),
  retentionWarningDays: n('abonnement', 'Avertissement avant anonymisation', 'jours avant', 0, 90, 30),
  underTwelveAge: n('abonnement', 'Âge de l’espace jeunesse', 'ans (en dessous)', 1, 18, 12),

  quotaFilms: n('quotas', 'Films au forfait', 'par mois', 0, 1000, 4),
  quotaBooks: n('quotas', 'Livres numériques et BD (PNB, Izneo)', 'par mois', 0, 1000, 7),
  quotaMagazines: n('quotas', 'Magazines', 'par mois', 0, 1000, 15),
  quotaNewspapers: n('quotas', 'Quotidiens', 'par mois', 0, 1000, 31),
  capAlertLowPercent: n('quotas', 'Première alerte de plafond réseau', '%', 1, 100, 80),
  capAlertHighPercent: n('quotas', 'Seconde alerte de plafond réseau', '%', 1, 100, 95),

  licencePool: n(
    'licences',
    'Comptes usagers achetés pour l’année',
    'comptes',
    0,
    10_000_000,
    20_000,
    10_000,
  ),
  licenceWarningPercent: n('licences', 'Alerte d’utilisation des licences', '%', 1, 100, 90),

  passwordMinLength: n('securite', 'Longueur minimale des mots de passe', 'caractères', 8, 128, 8, 8),
  passwordRequireClasses: b(
    'securite',
    'Exiger majuscule, minuscule, chiffre et caractère spécial',
    false,
    true,
  ),
  resetLinkMinutes: n('securite', 'Validité du lien « mot de passe oublié »', 'minutes', 5, 1440, 60),
  sessionIdleMinutes: n('securite', 'Déconnexion après inactivité', 'minutes', 5, 1440, 60),
  sessionAbsoluteHours: n('securite', 'Durée maximale d’une session', 'heures', 1, 720, 12),
  loginFreeAttempts: n('securite', 'Essais de connexion avant blocage temporaire', 'essais', 1, 50, 5),
  loginLockSeconds: n(
    'securite',
    'Premier blocage après échecs répétés (doublé ensuite)',
    'secondes',
    1,
    3600,
    30,
  ),
  loginLockMaxMinutes: n('securite', 'Blocage maximal', 'minutes', 1, 1440, 30),
  loginIpPerQuarterHour: n(
    'securite',
    'Échecs de connexion tolérés par adresse IP',
    'par quart d’heure',
    5,
    10_000,
    50,
  ),
  casTicketSeconds: n(
    'securite',
    'Validité d’un ticket de service CAS (connexion unique chez un fournisseur)',
    'secondes',
    1,
    300,
    10,
  ),
  ssoHandOffMinutes: n(
    'securite',
    'Délai pendant lequel la connexion demandée par un fournisseur prolonge l’ouverture faite depuis le catalogue (une seule consultation comptée)',
    'minutes',
    1,
    60,
    5,
  ),
  visitorMailsPerHour: n(
    'securite',
    'Courriels qu’un visiteur peut faire envoyer à une même adresse (inscription, mot de passe oublié)',
    'par heure',
    1,
    100,
    5,
  ),
  messagesPerHour: n(
    'securite',
    'Messages qu’une même personne peut envoyer (à sa bibliothèque ou au support), par compte et par adresse',
    'par heure',
    1,
    100,
    5,
  ),
} as const;

export type SettingKey = keyof typeof SETTINGS;
type ValueOf<S> = S extends NumberSetting
  ? number
  : S extends BooleanSetting
    ? boolean
    : S extends ChoiceSetting<infer C>
      ? C
      : S extends TextSetting
        ? string
        : never;
export type NetworkSettings = { [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]> };

export const PROFILES: Record<ProfileName, { label: string; networkName: string }> = {
  numos: { label: 'NuMos (inscription en ligne, validation par la bibliothèque)', networkName: 'NuMos' },
  mdo: { label: 'MDO (inscription par la bibliothèque)', networkName: 'Médiathèque départementale' },
};

export function defaultSettings(profile: ProfileName): NetworkSettings {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(SETTINGS)) out[key] = def.defaults[profile];
  return out as NetworkSettings;
}

/**
 * Reads stored settings leniently: a key that is missing or no longer valid (a setting
 * added by a later version) falls back to the profile's default.
 */
export function resolveSettings(profile: ProfileName, stored: Record<string, unknown>): NetworkSettings {
  const out = defaultSettings(profile) as Record<string, unknown>;
  for (const [key, def] of Object.entries(SETTINGS)) {
    const v = stored[key];
    if (def.kind === 'number' && typeof v === 'number' && Number.isInteger(v) && v >= def.min && v <= def.max)
      out[key] = v;
    else if (def.kind === 'boolean' && typeof v === 'boolean') out[key] = v;
    else if (def.kind === 'choice' && typeof v === 'string' && v in def.choices) out[key] = v;
    else if (def.kind === 'text' && typeof v === 'string' && textSettingError(def, v) === undefined)
      out[key] = v;
  }
  return out as NetworkSettings;
}

export function isProfile(v: string): v is ProfileName {
  return v in PROFILES;
}

/** The message for a wrong text setting, or undefined. Empty is allowed: the network has none. */
export function textSettingError(def: TextSetting, value: string): string | undefined {
  if (value.length > def.maxLength) return `Ce texte ne doit pas dépasser ${def.maxLength} caractères.`;
  if (/[\r\n]/.test(value)) return 'Ce texte doit tenir sur une seule ligne.';
  if (value && def.check && !def.check.pattern.test(value)) return def.check.message;
  return undefined;
}

/** "52#####" as a regular expression over a whole identifier; null when there is no format. */
export function identifierFormatRegExp(format: string): RegExp | null {
  const f = format.trim();
  if (!f) return null;
  const escaped = f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('#', '\\d');
  return new RegExp(`^${escaped}$`);
}

/** What a library account's identifier must look like, as the administrator reads it. */
export function identifierFormatMessage(format: string): string {
  return `L’identifiant d’un compte de bibliothèque doit suivre le format du réseau : ${format} (chaque # est un chiffre), par exemple ${format.replaceAll('#', '0')}.`;
}
