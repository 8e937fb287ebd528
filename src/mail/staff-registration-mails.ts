import { formatDate, formatDateTime } from '../domain/paris.js';
import { renderMail } from './layout.js';

/** E-mails of staff registration (MDO seed) and of the staff tools on a patron's record. */

interface Person {
  firstName: string;
  lastName: string;
  identifier: string;
}

/**
 * To a patron registered by their library: they choose their own password (nobody else ever
 * knows it), under the network's rule, shown before they open the link.
 */
export function patronSetPasswordMail(p: {
  networkName: string;
  to: string;
  patronId: string;
  patron: Person;
  libraryName: string;
  url: string;
  expiresAt: Date;
  rule: string;
  /** A new link sent by staff: the earlier one no longer works. */
  resent?: boolean;
}) {
  return {
    ...renderMail({
      template: p.resent ? 'patron_set_password_resent' : 'patron_set_password',
      to: p.to,
      subject: `Définissez votre mot de passe — ${p.networkName}`,
      networkName: p.networkName,
      greeting: `Bonjour ${p.patron.firstName} ${p.patron.lastName},`,
      paragraphs: [
        `La bibliothèque ${p.libraryName} vous a inscrit à ${p.networkName}, la médiathèque numérique. Votre identifiant est : ${p.patron.identifier}.`,
        'Pour plus de confidentialité, vous choisissez vous-même votre mot de passe : personne d’autre ne le connaît. Suivez ce lien pour le définir :',
      ],
      action: { label: 'Définir mon mot de passe', url: p.url },
      afterAction: [
        `Votre mot de passe doit respecter cette règle : ${lowerFirst(p.rule)}`,
        `Ce lien ne peut servir qu’une fois et reste valable jusqu’au ${formatDateTime(p.expiresAt)}.${p.resent ? ' Il remplace celui du courriel précédent, qui ne fonctionne plus.' : ''} Passé ce délai, utilisez « Mot de passe oublié » sur la page de connexion.`,
        'Votre abonnement devient opérationnel dès que votre bibliothèque l’a activé ; vous pouvez vous connecter avec votre identifiant ou votre adresse électronique.',
        'Si vous ne vous êtes pas inscrit dans une bibliothèque du réseau, ignorez ce message et prévenez la bibliothèque.',
      ],
    }),
    patronId: p.patronId,
  };
}

/** To the new home library when a network administrator moves a patron whose request waits. */
export function requestTransferredMail(p: {
  networkName: string;
  to: string;
  libraryName: string;
  fromLibraryName: string;
  patronName: string;
  identifier: string;
  pendingSince: Date | null;
  renewal: boolean;
  url: string;
}) {
  const what = p.renewal ? 'demande de réinscription' : 'demande d’inscription';
  return renderMail({
    template: 'request_transferred',
    to: p.to,
    subject: `Demande transférée à votre bibliothèque : ${p.patronName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.libraryName},`,
    paragraphs: [
      `L’administration du réseau ${p.networkName} a rattaché ${p.patronName} (identifiant ${p.identifier}) à votre bibliothèque, au lieu de ${p.fromLibraryName}.`,
      `Sa ${what}${p.pendingSince ? `, en attente depuis le ${formatDate(p.pendingSince)},` : ''} attend désormais votre décision.`,
    ],
    action: { label: 'Ouvrir la fiche', url: p.url },
  });
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
