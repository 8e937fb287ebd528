import { formatDate, formatDateTime } from '../domain/paris.js';
import { frenchDay } from '../domain/patron-lifecycle.js';
import { renderMail } from './layout.js';

/** The e-mails of self-registration (NuMos seed, steps 1 to 3). */

interface Person {
  firstName: string;
  lastName: string;
}

const fullName = (p: Person) => `${p.firstName} ${p.lastName}`;

export function confirmRegistrationMail(p: {
  networkName: string;
  to: string;
  patron: Person & { identifier: string };
  libraryName: string;
  url: string;
  deadline: Date;
}) {
  return renderMail({
    template: 'confirm_registration',
    to: p.to,
    subject: `Confirmez votre inscription à ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${fullName(p.patron)},`,
    paragraphs: [
      `Vous avez demandé à vous inscrire à ${p.networkName} avec l’identifiant ${p.patron.identifier}, comme adhérent de la bibliothèque ${p.libraryName}.`,
      'Pour confirmer votre adresse électronique et transmettre votre demande à votre bibliothèque, suivez ce lien :',
    ],
    action: { label: 'Confirmer mon inscription', url: p.url },
    afterAction: [
      `Ce lien ne peut servir qu’une fois et reste valable jusqu’au ${formatDateTime(p.deadline)}. Sans confirmation à cette date, votre demande sera supprimée et il faudra vous inscrire à nouveau.`,
      'Après confirmation, vous disposerez d’un compte temporaire donnant accès aux contenus en Accès libre, en attendant que votre bibliothèque valide votre inscription.',
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : aucune inscription n’est faite sans confirmation.',
    ],
  });
}

export function confirmationReminderMail(p: {
  networkName: string;
  to: string;
  patron: Person & { identifier: string };
  url: string;
  deadline: Date;
}) {
  return renderMail({
    template: 'confirm_registration_reminder',
    to: p.to,
    subject: `Rappel : confirmez votre inscription à ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${fullName(p.patron)},`,
    paragraphs: [
      `Votre demande d’inscription à ${p.networkName} (identifiant ${p.patron.identifier}) n’est pas encore confirmée.`,
      `Sans confirmation avant le ${formatDateTime(p.deadline)}, elle sera supprimée. Pour la confirmer, suivez ce lien :`,
    ],
    action: { label: 'Confirmer mon inscription', url: p.url },
    afterAction: [
      'Ce lien remplace celui du courriel précédent, qui ne fonctionne plus. Il ne peut servir qu’une fois.',
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : elle sera supprimée à cette date.',
    ],
  });
}

/**
 * Sent instead of creating a second account for the same address: the form itself says
 * nothing, so nobody learns from it whether an address is registered.
 */
export function alreadyHaveAccountMail(p: {
  networkName: string;
  to: string;
  accounts: Array<Person & { identifier: string }>;
  forgotPasswordUrl: string;
}) {
  const first = p.accounts[0];
  const identifiers = p.accounts.map((a) => a.identifier).join(', ');
  return renderMail({
    template: 'already_registered',
    to: p.to,
    subject: `Vous avez déjà un compte — ${p.networkName}`,
    networkName: p.networkName,
    greeting: first ? `Bonjour ${fullName(first)},` : 'Bonjour,',
    paragraphs: [
      `Une demande d’inscription à ${p.networkName} vient d’être faite avec cette adresse électronique. Vous avez déjà un compte : aucun second compte n’a été créé.`,
      p.accounts.length > 1 ? `Vos identifiants : ${identifiers}.` : `Votre identifiant : ${identifiers}.`,
      'Vous pouvez vous connecter avec cet identifiant ou avec votre adresse électronique. Si vous avez oublié votre mot de passe, choisissez-en un nouveau :',
    ],
    action: { label: 'Mot de passe oublié', url: p.forgotPasswordUrl },
    afterAction: [
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre compte reste inchangé.',
    ],
  });
}

/**
 * The same situation when the existing request is not confirmed yet: a new link to confirm
 * it is more useful than a password link for an account that cannot log in yet.
 */
export function requestAlreadyMadeMail(p: {
  networkName: string;
  to: string;
  patron: Person & { identifier: string };
  url: string;
  deadline: Date;
}) {
  return renderMail({
    template: 'already_registered_unconfirmed',
    to: p.to,
    subject: `Vous avez déjà un compte — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${fullName(p.patron)},`,
    paragraphs: [
      `Une demande d’inscription à ${p.networkName} vient d’être faite avec cette adresse électronique, qui a déjà une demande en attente de confirmation (identifiant ${p.patron.identifier}). Aucune seconde demande n’a été enregistrée.`,
      'Pour confirmer la demande existante, suivez ce lien :',
    ],
    action: { label: 'Confirmer mon inscription', url: p.url },
    afterAction: [
      `Ce lien remplace ceux des courriels précédents, qui ne fonctionnent plus. Il reste valable jusqu’au ${formatDateTime(p.deadline)}.`,
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.',
    ],
  });
}

interface RequestDetails {
  networkName: string;
  libraryName: string;
  patron: Person & { birthDate: string; age: number };
  requestedAt: Date;
  confirmedAt: Date;
  url: string;
  escalationDays: number;
}

function requestParagraphs(p: RequestDetails): string[] {
  return [
    `Demandeur : ${fullName(p.patron)}, date de naissance : ${frenchDay(p.patron.birthDate)} (${p.patron.age} ans).`,
    `Demande faite le ${formatDate(p.requestedAt)}, adresse électronique confirmée le ${formatDate(p.confirmedAt)}.`,
    'Avant d’accepter, vérifiez dans votre logiciel : ① que le demandeur est un adhérent actif de la bibliothèque (inscrit ou réinscrit depuis moins d’un an) ; ② sa date de naissance (au moins l’année), qui détermine les contenus auxquels il aura droit.',
  ];
}

/** To the home library: a request to accept or refuse, with the link to its record. */
export function requestToValidateMail(p: RequestDetails & { to: string }) {
  return renderMail({
    template: 'request_to_validate',
    to: p.to,
    subject: `Nouvelle demande d’inscription à valider : ${fullName(p.patron)}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `Une personne a demandé à accéder à ${p.networkName} comme adhérente de votre bibliothèque, ${p.libraryName}. Elle dispose d’un compte temporaire (contenus en Accès libre) jusqu’à votre décision.`,
      ...requestParagraphs(p),
      'Ouvrez la demande pour l’accepter ou la refuser (connexion avec votre compte d’administration si nécessaire) :',
    ],
    action: { label: 'Traiter la demande', url: p.url },
    afterAction: [
      `Merci de traiter la demande dans les ${p.escalationDays} jours : passé ce délai, l’administration du réseau pourra la traiter à votre place.`,
    ],
  });
}

/** The network's copy of the same request, so it can step in if the library is slow. */
export function requestToValidateCopyMail(p: RequestDetails & { to: string }) {
  return renderMail({
    template: 'request_to_validate_copy',
    to: p.to,
    subject: `Copie pour information — Nouvelle demande d’inscription à valider : ${fullName(p.patron)} (${p.libraryName})`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `Copie pour information : la bibliothèque ${p.libraryName} a reçu la demande d’inscription ci-dessous. C’est à elle de la traiter.`,
      ...requestParagraphs(p),
    ],
    action: { label: 'Voir la demande', url: p.url },
    afterAction: [
      `Sans décision de la bibliothèque dans les ${p.escalationDays} jours, la demande apparaîtra parmi les demandes en retard.`,
    ],
  });
}
