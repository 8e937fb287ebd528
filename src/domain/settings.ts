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

export type SettingGroup = 'inscription' | 'abonnement' | 'quotas' | 'securite' | 'licences';

export const SETTING_GROUPS: Record<SettingGroup, string> = {
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

export const SETTINGS = {
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
  }
  return out as NetworkSettings;
}

export function isProfile(v: string): v is ProfileName {
  return v in PROFILES;
}
