/**
 * "Réponse à l'utilisateur": the messages staff send with a decision, prefilled from the
 * network's templates and editable before sending. Wording from the NuMos seed.
 */

export const PLACEHOLDERS = ['[prenom]', '[nom_destinataire]', '[actif-jusquau]', '[identifiant]'] as const;

export type TemplateKey =
  | 'accept'
  | 'refuse_not_member'
  | 'refuse_birth_date'
  | 'refuse_duplicate'
  | 'refuse_other'
  | 'renewal_accept'
  | 'renewal_refuse';

export interface ResponseTemplate {
  key: TemplateKey;
  label: string;
  decision: 'accepted' | 'refused';
  /** Used for a first registration or a renewal request. */
  kind: 'registration' | 'renewal';
  subject: string;
  body: string;
}

const SIGNATURE = 'Bien cordialement,\n\nL’équipe de [reseau].';

const REFUSAL_INTRO =
  'Bonjour [prenom] [nom_destinataire],\n\nVous avez demandé à accéder à [reseau], la médiathèque numérique.\n\nNous avons le regret de vous faire savoir que nous ne pouvons pas satisfaire à votre demande en l’état.';

export const DEFAULT_TEMPLATES: Record<TemplateKey, Omit<ResponseTemplate, 'key'>> = {
  accept: {
    label: 'Acceptation',
    decision: 'accepted',
    kind: 'registration',
    subject: 'Votre compte [reseau] est actif',
    body: `Bonjour [prenom] [nom_destinataire],\n\nVous vous êtes inscrit à [reseau], la médiathèque numérique.\n\nNous avons le plaisir de vous confirmer que votre compte est désormais actif jusqu’au [actif-jusquau].\n\nDeux types de ressources sont désormais à votre disposition :\n- les ressources consultables en illimité, portant la mention « Accès libre » ;\n- les ressources décomptées de votre forfait, portant la mention « Forfait ».\n\nNous vous rappelons l’identifiant que vous avez choisi.\nIdentifiant : [identifiant]\n\nLe mot de passe est celui que vous aviez défini dans le formulaire d’inscription. Si vous l’avez oublié, utilisez « Mot de passe oublié » sur la page de connexion.\n\nPour tout renseignement, consultez l’aide ou contactez votre bibliothèque.\n\n${SIGNATURE}`,
  },
  refuse_not_member: {
    label: 'Refus : pas adhérent actif de la bibliothèque',
    decision: 'refused',
    kind: 'registration',
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nNous vous invitons à vous rapprocher de votre bibliothèque pour vous y (ré)inscrire, puis à renouveler votre demande d’accès à [reseau].\n\nVous pouvez consulter la liste des bibliothèques du réseau participant à ce service.\n\n${SIGNATURE}`,
  },
  refuse_birth_date: {
    label: 'Refus : date de naissance incorrecte',
    decision: 'refused',
    kind: 'registration',
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nLa date de naissance indiquée ne correspond pas à celle que connaît votre bibliothèque. Elle détermine les contenus consultables : merci de renouveler votre demande avec votre date de naissance exacte.\n\n${SIGNATURE}`,
  },
  refuse_duplicate: {
    label: 'Refus : compte déjà existant',
    decision: 'refused',
    kind: 'registration',
    subject: 'Votre demande d’accès à [reseau]',
    body: `${REFUSAL_INTRO}\n\nVous disposez déjà d’un compte sur [reseau]. Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié » sur la page de connexion.\n\n${SIGNATURE}`,
  },
  refuse_other: {
    label: 'Refus : autre motif',
    decision: 'refused',
    kind: 'registration',
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
};

export const TEMPLATE_KEYS = Object.keys(DEFAULT_TEMPLATES) as TemplateKey[];

export function isTemplateKey(v: unknown): v is TemplateKey {
  return typeof v === 'string' && v in DEFAULT_TEMPLATES;
}

/** [reseau] is filled too, though not listed to staff: the network's own name. */
const ALLOWED = new Set<string>([...PLACEHOLDERS, '[reseau]']);

/** Placeholders in a text that Sésame does not know (a typo would be sent as is). */
export function unknownPlaceholders(text: string): string[] {
  const found = text.match(/\[[^\]\s]{1,40}\]/g) ?? [];
  return [...new Set(found.filter((p) => !ALLOWED.has(p)))];
}

export interface TemplateValues {
  firstName: string;
  lastName: string;
  activeUntil: string;
  identifier: string;
  networkName: string;
}

export function fillTemplate(text: string, v: TemplateValues): string {
  return text
    .replaceAll('[prenom]', v.firstName)
    .replaceAll('[nom_destinataire]', v.lastName)
    .replaceAll('[actif-jusquau]', v.activeUntil)
    .replaceAll('[identifiant]', v.identifier)
    .replaceAll('[reseau]', v.networkName);
}
