import { frenchDay } from '../domain/patron-lifecycle.js';
import { atLibrarySentence } from '../domain/renewal-rules.js';
import { renderMail } from './layout.js';

/**
 * E-mails of the subscription's end (SPEC §2 transitions 6 to 8, §6): the renewal reminder in
 * the NuMos seed's words (step 5), the renewal request to the library, the expiry notice and
 * the warning before personal data is erased.
 */

interface Person {
  firstName: string;
  lastName: string;
}

/** "Le renouvellement…" inside a sentence. */
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

const fullName = (p: Person) => `${p.firstName} ${p.lastName}`.trim();

/** 15 days before the end date (setting), with the link that asks for renewal. */
export function renewalReminderMail(p: {
  networkName: string;
  to: string;
  patronId: string;
  patron: Person;
  libraryName: string;
  activeUntil: string;
  /** The renewal link; null when the network renews at the library only (setting off). */
  url: string | null;
}) {
  if (p.url === null)
    return {
      ...renderMail({
        template: 'renewal_reminder',
        to: p.to,
        subject: `Votre abonnement à ${p.networkName} arrive à échéance`,
        networkName: p.networkName,
        greeting: `Bonjour ${fullName(p.patron)},`,
        paragraphs: [
          `Vous vous êtes inscrit à ${p.networkName}, la médiathèque numérique.`,
          `Votre abonnement arrive à échéance le ${frenchDay(p.activeUntil)} et nous vous invitons à le renouveler.`,
          atLibrarySentence(p.libraryName, p.networkName),
          `Bien cordialement,\nL’équipe de ${p.networkName}.`,
        ],
      }),
      patronId: p.patronId,
    };
  return {
    ...renderMail({
      template: 'renewal_reminder',
      to: p.to,
      subject: `Votre abonnement à ${p.networkName} arrive à échéance`,
      networkName: p.networkName,
      greeting: `Bonjour ${fullName(p.patron)},`,
      paragraphs: [
        `Vous vous êtes inscrit à ${p.networkName}, la médiathèque numérique.`,
        `Votre abonnement arrive à échéance le ${frenchDay(p.activeUntil)} et nous vous invitons à le renouveler.`,
        `Nous vous invitons également à vérifier l’adhésion à votre bibliothèque (${p.libraryName}), indispensable pour accéder à ${p.networkName}.`,
        'Pour demander le renouvellement, suivez ce lien puis connectez-vous :',
      ],
      action: { label: 'Demander le renouvellement', url: p.url },
      afterAction: [
        'Votre bibliothèque vérifiera votre adhésion avant de valider votre réinscription. Si vous renouvelez avant l’échéance, vous ne perdez aucun jour : la nouvelle période commence à la fin de l’actuelle.',
        'Ce lien ne sert qu’une fois. Vous pouvez aussi faire la demande depuis « Mon compte », avec le bouton « Demander le renouvellement ».',
        `Bien cordialement,\nL’équipe de ${p.networkName}.`,
      ],
    }),
    patronId: p.patronId,
  };
}

/** To the home library: a patron asks for renewal; the record opens on the decision panel. */
export function renewalRequestMail(p: {
  networkName: string;
  to: string;
  patronId: string;
  patron: Person & { identifier: string };
  libraryName: string;
  activeUntil: string | null;
  ended: boolean;
  url: string;
  escalationDays: number;
}) {
  const end = p.activeUntil
    ? p.ended
      ? `Son abonnement a pris fin le ${frenchDay(p.activeUntil)}.`
      : `Son abonnement court jusqu’au ${frenchDay(p.activeUntil)} ; s’il est renouvelé, la nouvelle période commencera à cette date.`
    : '';
  return {
    ...renderMail({
      template: 'renewal_request',
      to: p.to,
      subject: `Réinscription à valider : ${fullName(p.patron)}`,
      networkName: p.networkName,
      greeting: 'Bonjour,',
      paragraphs: [
        `${fullName(p.patron)} (identifiant ${p.patron.identifier}), adhérent de votre bibliothèque ${p.libraryName}, demande le renouvellement de son accès à ${p.networkName}.`,
        ...(end ? [end] : []),
        'Avant d’accepter, vérifiez dans votre logiciel que son adhésion à la bibliothèque est à jour (inscrit ou réinscrit depuis moins d’un an) et sa date de naissance.',
        'Ouvrez la demande pour l’accepter ou la refuser ; elle figure aussi parmi les « Réinscriptions à valider » :',
      ],
      action: { label: 'Traiter la réinscription', url: p.url },
      afterAction: [
        `Merci de traiter la demande dans les ${p.escalationDays} jours : passé ce délai, l’administration du réseau pourra la traiter à votre place.`,
      ],
    }),
    patronId: p.patronId,
  };
}

/** The day after the end date: access closed, how to ask for renewal. */
export function subscriptionExpiredMail(p: {
  networkName: string;
  to: string;
  patronId: string;
  patron: Person;
  libraryName: string;
  activeUntil: string;
  loginUrl: string;
  eraseOn: string;
  /** Network setting: false when renewal is done at the library only (MDO). */
  onlineRenewal: boolean;
}) {
  return {
    ...renderMail({
      template: 'subscription_expired',
      to: p.to,
      subject: `Votre abonnement à ${p.networkName} a expiré`,
      networkName: p.networkName,
      greeting: `Bonjour ${fullName(p.patron)},`,
      paragraphs: [
        `Votre abonnement à ${p.networkName} a expiré le ${frenchDay(p.activeUntil)}. Les contenus en Accès libre et au Forfait ne vous sont plus accessibles ; les ressources libres restent ouvertes à tous.`,
        p.onlineRenewal
          ? `Pour continuer, vérifiez votre adhésion auprès de votre bibliothèque (${p.libraryName}), puis connectez-vous et choisissez « Demander le renouvellement » sur la page « Mon compte ». Votre bibliothèque validera votre réinscription.`
          : `Pour continuer, ${lowerFirst(atLibrarySentence(p.libraryName, p.networkName))} Votre compte reste ouvert en attendant : vous pouvez vous y connecter pour télécharger vos données.`,
      ],
      action: { label: 'Me connecter', url: p.loginUrl },
      afterAction: [
        p.onlineRenewal
          ? `Sans renouvellement, vos données personnelles seront effacées le ${frenchDay(p.eraseOn)}.`
          : `Sans réinscription à votre bibliothèque, vos données personnelles seront effacées le ${frenchDay(p.eraseOn)}.`,
      ],
    }),
    patronId: p.patronId,
  };
}

/** Before erasure (RGPD retention): what will be erased, when, and how to keep the account. */
export function retentionWarningMail(p: {
  networkName: string;
  to: string;
  patronId: string;
  patron: Person;
  eraseOn: string;
  reason: 'expired' | 'refused';
  loginUrl: string;
  /** Network setting: false when renewal is done at the library only (MDO). */
  onlineRenewal: boolean;
}) {
  const why =
    p.reason === 'expired'
      ? `Votre abonnement à ${p.networkName} n’a pas été renouvelé. Nous ne conservons pas les données personnelles au-delà d’un délai fixé après la fin de l’abonnement.`
      : `Votre demande d’accès à ${p.networkName} n’a pas été acceptée. Nous ne conservons pas les données personnelles au-delà d’un délai fixé après cette décision.`;
  return {
    ...renderMail({
      template: 'retention_warning',
      to: p.to,
      subject: `Vos données seront effacées le ${frenchDay(p.eraseOn)} — ${p.networkName}`,
      networkName: p.networkName,
      greeting: `Bonjour ${fullName(p.patron)},`,
      paragraphs: [
        why,
        `Le ${frenchDay(p.eraseOn)}, votre nom, votre adresse électronique, votre identifiant et votre mot de passe seront effacés ; seules des données anonymes (bibliothèque, dates, année de naissance) seront gardées pour les statistiques.`,
        p.reason === 'refused'
          ? 'Si vous êtes adhérent de votre bibliothèque, vous pourrez faire une nouvelle demande d’inscription à tout moment.'
          : p.onlineRenewal
            ? 'Pour garder votre compte, connectez-vous avant cette date et choisissez « Demander le renouvellement » sur la page « Mon compte ». Vous pouvez aussi y télécharger vos données.'
            : 'Pour garder votre compte, rendez-vous avant cette date à votre bibliothèque pour vous réinscrire : elle renouvellera vos droits. Vous pouvez aussi vous connecter pour télécharger vos données depuis « Mon compte ».',
      ],
      ...(p.reason === 'expired' ? { action: { label: 'Me connecter', url: p.loginUrl } } : {}),
      afterAction: ['Vous n’avez rien à faire si vous ne souhaitez pas conserver votre compte.'],
    }),
    patronId: p.patronId,
  };
}
