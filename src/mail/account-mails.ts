import { formatDateTime } from '../domain/paris.js';
import { maskEmail } from '../security/redact.js';
import { renderMail } from './layout.js';

/** The e-mails of "Mon compte": address change, password change, account deletion. */

interface Patron {
  name: string;
  identifier: string;
}

interface Library {
  libraryName: string;
  libraryEmail: string;
}

/** To the NEW address: following the link proves the patron reads it. */
export function confirmNewEmailMail(p: {
  networkName: string;
  to: string;
  patron: Patron;
  url: string;
  expiresAt: Date;
}) {
  return renderMail({
    template: 'change_email_confirm',
    to: p.to,
    subject: `Confirmez votre nouvelle adresse — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.patron.name},`,
    paragraphs: [
      `Vous avez demandé que les courriels de ${p.networkName} concernant votre compte ${p.patron.identifier} soient envoyés à cette adresse.`,
      'Pour confirmer ce changement, suivez ce lien :',
    ],
    action: { label: 'Confirmer ma nouvelle adresse', url: p.url },
    afterAction: [
      `Ce lien ne peut servir qu’une fois et reste valable jusqu’au ${formatDateTime(p.expiresAt)}. D’ici là, votre ancienne adresse reste celle de votre compte.`,
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne change sans confirmation.',
    ],
  });
}

/** To the OLD address: the owner learns of the change before it happens, and whom to tell. */
export function emailChangeNoticeMail(
  p: { networkName: string; to: string; patron: Patron; newEmail: string; requestedAt: Date } & Library,
) {
  return renderMail({
    template: 'change_email_notice',
    to: p.to,
    subject: `Votre adresse va changer — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.patron.name},`,
    paragraphs: [
      `Le ${formatDateTime(p.requestedAt)}, une demande a été faite pour remplacer l’adresse électronique de votre compte ${p.patron.identifier} par ${maskEmail(p.newEmail)}.`,
      'Le changement aura lieu quand le lien envoyé à la nouvelle adresse aura été suivi. Ensuite, les courriels de votre compte n’arriveront plus ici.',
      `Si ce n’est pas vous, contactez votre bibliothèque, ${p.libraryName} (${p.libraryEmail}), et changez votre mot de passe dans « Mon compte ».`,
    ],
  });
}

/** After a password change: a change the patron did not make must not go unnoticed. */
export function passwordChangedMail(
  p: {
    networkName: string;
    to: string;
    patron: Patron;
    changedAt: Date;
    forgotPasswordUrl: string;
  } & Library,
) {
  return renderMail({
    template: 'password_changed',
    to: p.to,
    subject: `Votre mot de passe a été modifié — ${p.networkName}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.patron.name},`,
    paragraphs: [
      `Le mot de passe de votre compte ${p.patron.identifier} a été modifié le ${formatDateTime(p.changedAt)}. Vos autres sessions ouvertes ont été fermées.`,
      `Si ce n’est pas vous, choisissez tout de suite un nouveau mot de passe avec « Mot de passe oublié », puis prévenez votre bibliothèque, ${p.libraryName} (${p.libraryEmail}).`,
    ],
    action: { label: 'Mot de passe oublié', url: p.forgotPasswordUrl },
  });
}

/**
 * To the home library: which of its patrons closed their account. Name and identifiant only,
 * which the library already had; the account itself is anonymised by then.
 */
export function accountDeletedMail(p: {
  networkName: string;
  to: string;
  libraryName: string;
  patron: Patron;
  deletedAt: Date;
}) {
  return renderMail({
    template: 'account_deleted_by_patron',
    to: p.to,
    subject: `Un usager a supprimé son compte — ${p.networkName}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `${p.patron.name} (identifiant ${p.patron.identifier}), usager de votre bibliothèque ${p.libraryName}, a supprimé son compte ${p.networkName} le ${formatDateTime(p.deletedAt)}.`,
      'Ses données personnelles ont été effacées aussitôt : il n’apparaît plus sous son nom dans la liste des usagers, et son accès aux ressources numériques est fermé. Les statistiques (bibliothèque, dates, année de naissance) sont conservées.',
      'Vous n’avez rien à faire. S’il souhaite de nouveau accéder aux ressources numériques, il devra se réinscrire.',
    ],
  });
}
