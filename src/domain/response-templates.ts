/**
 * "Réponse à l'utilisateur": the messages staff send with a decision, prefilled from the
 * network's templates and editable before sending. Wording from the NuMos seed.
 */

export const PLACEHOLDERS = [
  '[prenom]',
  '[nom_destinataire]',
  '[actif-jusquau]',
  '[identifiant]',
  '[forfait]',
  '[lien-mot-de-passe]',
  '[lien-mode-emploi]',
  '[lien-contact]',
  '[lien-bibliotheques]',
] as const;

/** Where the [lien-…] placeholders lead (paths under the service's address). */
export const PLACEHOLDER_LINKS = {
  '[lien-mot-de-passe]': '/mot-de-passe-oublie',
  '[lien-mode-emploi]': '/aide/mode-d-emploi',
  '[lien-contact]': '/aide/contact',
  '[lien-bibliotheques]': '/bibliotheques',
} as const;

export type TemplateKey =
  | 'accept'
  | 'accept_library'
  | 'refuse_not_member'
  | 'refuse_birth_date'
  | 'refuse_duplicate'
  | 'refuse_other'
  | 'renewal_accept'
  | 'renewal_refuse'
  | 'reply_accuse'
  | 'reply_mot_de_passe'
  | 'reply_adhesion'
  | 'reply_transmis';

export interface ResponseTemplate {
  key: TemplateKey;
  label: string;
  /** The decision it is sent with; absent for a saved reply to a message. */
  decision?: 'accepted' | 'refused';
  /**
   * Used for a first registration, a renewal request, or as a saved reply ("réponse
   * enregistrée") in the staff's Messages: then `subject` is its title in the staff's list.
   */
  kind: 'registration' | 'renewal' | 'message';
  /**
   * For whom the text is true: a patron who registered online (chose an identifier and a
   * password in the form) or one the library registered. Absent: both.
   */
  channel?: 'self' | 'staff';
  /** Kept so that past decisions still read their reason, but no longer offered (not the seed's). */
  retired?: true;
  subject: string;
  body: string;
}

const SIGNATURE = 'Bien cordialement,\n\nL’équipe de [reseau].';

const RESOURCE_TYPES =
  'Deux types de ressources sont désormais à votre disposition :\n- les ressources consultables en illimité, portant la mention « Accès libre » ;\n- les ressources décomptées de votre forfait, portant la mention « Forfait ».\n\nVotre forfait vous permet de consulter chaque mois les documents de votre choix parmi :\n[forfait]';

const INFORMATION =
  'Pour tout renseignement, consultez le [mode d’emploi]([lien-mode-emploi]) ou contactez votre bibliothèque.';

const CONTACT_FORM =
  'Pour toute autre difficulté, vous pouvez nous contacter par [ce formulaire]([lien-contact]).';

const REFUSAL_INTRO =
  'Bonjour [prenom] [nom_destinataire],\n\nVous avez demandé à accéder à [reseau], la médiathèque numérique.\n\nNous avons le regret de vous faire savoir que nous ne pouvons pas satisfaire à votre demande en l’état.';

export const DEFAULT_TEMPLATES: Record<TemplateKey, Omit<ResponseTemplate, 'key'>> = {
  accept: {
    label: 'Acceptation (inscription en ligne)',
    decision: 'accepted',
    kind: 'registration',
    channel: 'self',
    subject: 'Votre compte [reseau] est actif',
    body: `Bonjour [prenom] [nom_destinataire],\n\nVous vous êtes inscrit à [reseau], la médiathèque numérique.\n\nNous avons le plaisir de vous confirmer que votre compte est désormais actif jusqu’au [actif-jusquau].\n\n${RESOURCE_TYPES}\n\nNous vous rappelons l’identifiant que vous avez choisi.\nIdentifiant : [identifiant]\n\nLe mot de passe est celui que vous aviez défini dans le formulaire d’inscription. Si vous l’avez oublié, utilisez [ce lien]([lien-mot-de-passe]).\n\n${INFORMATION}\n\n${SIGNATURE}`,
  },
  accept_library: {
    label: 'Acceptation (inscription par la bibliothèque)',
    decision: 'accepted',
    kind: 'registration',
    channel: 'staff',
    subject: 'Votre compte [reseau] est actif',
    body: `Bonjour [prenom] [nom_destinataire],\n\nVotre bibliothèque vous a inscrit à [reseau], la médiathèque numérique.\n\nNous avons le plaisir de vous confirmer que votre compte est désormais actif jusqu’au [actif-jusquau].\n\n${RESOURCE_TYPES}\n\nVotre identifiant : [identifiant]\n\nSi vous n’avez pas encore choisi votre mot de passe, utilisez le lien du courriel « Définissez votre mot de passe » ou, s’il a expiré, [ce lien]([lien-mot-de-passe]).\n\n${INFORMATION}\n\n${SIGNATURE}`,
  },
  refuse_not_member: {
    label: 'Refus : pas adhérent actif de la bibliothèque',
    decision: 'refused',
    kind: 'registration',
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nNous vous invitons à vous rapprocher de votre bibliothèque pour vous y (ré)inscrire, puis à renouveler votre demande d’accès à [reseau].\n\nVous pouvez consulter [la liste des bibliothèques du réseau]([lien-bibliotheques]) participant à ce service.\n\n${CONTACT_FORM}\n\n${SIGNATURE}`,
  },
  refuse_birth_date: {
    label: 'Refus : date de naissance incorrecte',
    decision: 'refused',
    kind: 'registration',
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nLa date de naissance indiquée ne correspond pas à celle que connaît votre bibliothèque. Elle détermine les contenus consultables : merci de renouveler votre demande avec votre date de naissance exacte.\n\n${CONTACT_FORM}\n\n${SIGNATURE}`,
  },
  refuse_duplicate: {
    label: 'Refus : compte déjà existant',
    decision: 'refused',
    kind: 'registration',
    retired: true,
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nVous disposez déjà d’un compte sur [reseau]. Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié » sur la page de connexion.\n\n${SIGNATURE}`,
  },
  refuse_other: {
    label: 'Refus : autre motif',
    decision: 'refused',
    kind: 'registration',
    retired: true,
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nPour en savoir plus, contactez votre bibliothèque.\n\n${SIGNATURE}`,
  },
  renewal_accept: {
    label: 'Réinscription acceptée',
    decision: 'accepted',
    kind: 'renewal',
    subject: 'Votre abonnement à [reseau] est renouvelé',
    body: `Bonjour [prenom] [nom_destinataire],\n\nVotre demande de renouvellement est acceptée : votre compte est actif jusqu’au [actif-jusquau].\n\nIdentifiant : [identifiant]\n\n${SIGNATURE}`,
  },
  renewal_refuse: {
    label: 'Réinscription refusée',
    decision: 'refused',
    kind: 'renewal',
    subject: 'Votre demande de renouvellement à [reseau]',
    body: `Bonjour [prenom] [nom_destinataire],\n\nNous ne pouvons pas renouveler votre abonnement en l’état (date de fin de votre abonnement : [actif-jusquau]).\n\nNous vous invitons à vérifier votre adhésion auprès de votre bibliothèque.\n\n${SIGNATURE}`,
  },
  reply_accuse: {
    label: 'Réponse enregistrée : accusé de réception',
    kind: 'message',
    subject: 'Accusé de réception',
    body: 'Bonjour,\n\nNous avons bien reçu votre message et nous vous répondrons dès que possible.\n\nBien cordialement,\n[bibliotheque]',
  },
  reply_mot_de_passe: {
    label: 'Réponse enregistrée : mot de passe oublié',
    kind: 'message',
    subject: 'Mot de passe oublié',
    body: 'Bonjour,\n\nPour choisir un nouveau mot de passe, utilisez le lien « Mot de passe oublié » de la page de connexion de [reseau] : vous recevrez un lien par courriel.\n\nBien cordialement,\n[bibliotheque]',
  },
  reply_adhesion: {
    label: 'Réponse enregistrée : adhésion à vérifier',
    kind: 'message',
    subject: 'Adhésion à vérifier à la bibliothèque',
    body: 'Bonjour,\n\nL’accès à [reseau] est réservé aux adhérents actifs d’une bibliothèque du réseau. Nous vous invitons à passer à la bibliothèque pour vérifier ou renouveler votre adhésion.\n\nBien cordialement,\n[bibliotheque]',
  },
  reply_transmis: {
    label: 'Réponse enregistrée : transmis au prestataire',
    kind: 'message',
    subject: 'Transmis au prestataire',
    body: 'Bonjour,\n\nNous avons transmis votre signalement au prestataire de la ressource concernée. Nous reviendrons vers vous dès que nous aurons sa réponse.\n\nBien cordialement,\n[bibliotheque]',
  },
};

export const TEMPLATE_KEYS = Object.keys(DEFAULT_TEMPLATES) as TemplateKey[];

/** The templates staff may choose and administrators edit (the retired ones only name old decisions). */
export const OFFERED_TEMPLATE_KEYS = TEMPLATE_KEYS.filter((k) => !DEFAULT_TEMPLATES[k].retired);

export type RegistrationChannel = 'self' | 'staff';

/** Whether a template may be sent for this situation to a patron of this channel. */
export function templateFits(
  key: TemplateKey,
  kind: 'registration' | 'renewal',
  channel: RegistrationChannel,
) {
  const t = DEFAULT_TEMPLATES[key];
  return !t.retired && t.kind === kind && (t.channel === undefined || t.channel === channel);
}

export function isTemplateKey(v: unknown): v is TemplateKey {
  return typeof v === 'string' && Object.hasOwn(DEFAULT_TEMPLATES, v);
}

/** The saved replies offered to staff answering a message, in their order. */
export const SAVED_REPLY_KEYS = TEMPLATE_KEYS.filter((k) => DEFAULT_TEMPLATES[k].kind === 'message');

export function isSavedReplyKey(v: unknown): v is TemplateKey {
  return isTemplateKey(v) && DEFAULT_TEMPLATES[v].kind === 'message';
}

/** [reseau] is filled too, though not listed to staff: the network's own name. */
const ALLOWED = new Set<string>([...PLACEHOLDERS, '[reseau]']);
/** A saved reply knows no patron: the network's name and the signature of whoever answers. */
const ALLOWED_IN_REPLIES = new Set<string>(['[reseau]', '[bibliotheque]']);

/** Placeholders in a text that Sésame does not know (a typo would be sent as is). */
export function unknownPlaceholders(text: string, kind?: ResponseTemplate['kind']): string[] {
  const allowed = kind === 'message' ? ALLOWED_IN_REPLIES : ALLOWED;
  const found = text.match(/\[[^\]\s]{1,40}\]/g) ?? [];
  return [...new Set(found.filter((p) => !allowed.has(p)))];
}

/** A saved reply as prefilled: [reseau] the network's name, [bibliotheque] the reply's signature. */
export function fillSavedReply(body: string, v: { networkName: string; signature: string }): string {
  return body.replaceAll('[reseau]', v.networkName).replaceAll('[bibliotheque]', v.signature);
}

export interface TemplateValues {
  firstName: string;
  lastName: string;
  activeUntil: string;
  identifier: string;
  networkName: string;
  /** The network's monthly quotas in force ([forfait]), one line each. */
  quotas: string;
  /** The service's address, for the [lien-…] placeholders. */
  baseUrl: string;
}

/** [forfait]: the month's quotas from the network's current settings, in the seed's words. */
export function quotaLines(q: {
  quotaFilms: number;
  quotaBooks: number;
  quotaMagazines: number;
  quotaNewspapers: number;
}): string {
  const docs = (n: number) => `${n} document${n > 1 ? 's' : ''}`;
  return [
    `- ${docs(q.quotaFilms)} de l’espace films ;`,
    `- ${docs(q.quotaBooks)} de l’espace livres ;`,
    `- ${q.quotaMagazines} magazine${q.quotaMagazines > 1 ? 's' : ''} et ${q.quotaNewspapers} quotidien${q.quotaNewspapers > 1 ? 's' : ''}.`,
  ].join('\n');
}

export function fillTemplate(text: string, v: TemplateValues): string {
  let out = text;
  for (const [placeholder, path] of Object.entries(PLACEHOLDER_LINKS))
    out = out.replaceAll(placeholder, `${v.baseUrl.replace(/\/+$/, '')}${path}`);
  return out
    .replaceAll('[forfait]', v.quotas)
    .replaceAll('[prenom]', v.firstName)
    .replaceAll('[nom_destinataire]', v.lastName)
    .replaceAll('[actif-jusquau]', v.activeUntil)
    .replaceAll('[identifiant]', v.identifier)
    .replaceAll('[reseau]', v.networkName);
}
