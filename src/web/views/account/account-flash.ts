/** The one-line messages "Mon compte" shows after a form is sent (flash, on the next page). */
export const ACCOUNT_FLASH = {
  newsletterMissing: 'Choisissez Oui ou Non pour la newsletter.',
  newsletter: (yes: boolean) =>
    yes ? 'C’est noté : vous recevrez la newsletter.' : 'C’est noté : vous ne recevrez plus la newsletter.',
  passwordChanged:
    'Votre mot de passe est modifié. Vos autres sessions ont été fermées ; un courriel vous le confirme.',
  emailLinkSent: (email: string) =>
    `Un lien de confirmation a été envoyé à ${email}. Suivez-le pour terminer le changement ; d’ici là, votre adresse actuelle reste valable.`,
  emailChangeCancelled: (cancelled: boolean) =>
    cancelled
      ? 'Le changement d’adresse est annulé : le lien envoyé ne fonctionne plus.'
      : 'Aucun changement d’adresse n’était en attente.',
};
