import { formatDateTime } from '../domain/paris.js';
import { renderMail } from './layout.js';

/** The e-mails of the foundation. Later issues add theirs here, one function each. */

export function setPasswordMail(p: {
  networkName: string;
  to: string;
  name: string;
  identifier: string;
  url: string;
  expiresAt: Date;
}) {
  return renderMail({
    template: 'set_password',
    to: p.to,
    subject: `Définissez votre mot de passe — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.name},`,
    paragraphs: [
      `Un compte a été créé pour vous sur ${p.networkName}. Votre identifiant est : ${p.identifier}.`,
      'Pour l’utiliser, choisissez votre mot de passe en suivant ce lien :',
    ],
    action: { label: 'Définir mon mot de passe', url: p.url },
    afterAction: [
      `Ce lien ne peut servir qu’une fois et reste valable jusqu’au ${formatDateTime(p.expiresAt)}.`,
      'Passé ce délai, utilisez « Mot de passe oublié » sur la page de connexion.',
    ],
  });
}

export function resetPasswordMail(p: {
  networkName: string;
  to: string;
  name: string;
  identifier: string;
  url: string;
  expiresAt: Date;
}) {
  return renderMail({
    template: 'reset_password',
    to: p.to,
    subject: `Réinitialisation de votre mot de passe — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.name},`,
    paragraphs: [
      `Vous avez demandé à changer le mot de passe du compte ${p.identifier}.`,
      'Choisissez un nouveau mot de passe en suivant ce lien :',
    ],
    action: { label: 'Choisir un nouveau mot de passe', url: p.url },
    afterAction: [
      `Ce lien ne peut servir qu’une fois et reste valable jusqu’au ${formatDateTime(p.expiresAt)}.`,
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.',
    ],
  });
}

/** Sent when an administrator sends a staff member a new link (the account already had a password). */
export function staffNewPasswordLinkMail(p: {
  networkName: string;
  to: string;
  name: string;
  identifier: string;
  url: string;
  expiresAt: Date;
}) {
  return renderMail({
    template: 'staff_password_link',
    to: p.to,
    subject: `Définissez votre mot de passe — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.name},`,
    paragraphs: [
      `L’administration du réseau vous envoie un lien pour choisir un nouveau mot de passe pour votre compte ${p.identifier} sur ${p.networkName}.`,
      'Suivez ce lien pour le définir :',
    ],
    action: { label: 'Définir mon mot de passe', url: p.url },
    afterAction: [
      `Ce lien ne peut servir qu’une fois et reste valable jusqu’au ${formatDateTime(p.expiresAt)}.`,
      'Votre mot de passe actuel reste valable tant que vous n’en avez pas choisi un nouveau.',
    ],
  });
}
