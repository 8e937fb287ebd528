import { DEFAULT_TEMPLATES, isTemplateKey } from '../domain/response-templates.js';

/** The e-mail page names each kind of e-mail in French rather than by its internal key. */
const LABELS: Record<string, string> = {
  account_deleted_by_patron: 'Compte supprimé par l’usager',
  already_registered: 'Déjà inscrit',
  already_registered_unconfirmed: 'Déjà inscrit, adresse à confirmer',
  change_email_confirm: 'Confirmation de la nouvelle adresse',
  change_email_notice: 'Avis de changement d’adresse',
  confirm_registration: 'Confirmation de l’inscription',
  confirm_registration_reminder: 'Rappel de confirmation de l’inscription',
  licence_pool_full: 'Licences épuisées',
  licence_pool_warning: 'Alerte d’utilisation des licences',
  overdue_digest: 'Récapitulatif des demandes en retard',
  overdue_reminder: 'Rappel de demande en retard',
  overdue_warning: 'Avertissement de demande en retard',
  password_changed: 'Mot de passe modifié',
  renewal_reminder: 'Rappel de renouvellement',
  renewal_request: 'Demande de réinscription',
  renewed_by_staff: 'Droits renouvelés par la bibliothèque',
  request_to_validate: 'Demande à valider',
  request_to_validate_copy: 'Copie d’une demande à valider',
  request_transferred: 'Demande transférée',
  reset_password: 'Mot de passe oublié',
  retention_warning: 'Avertissement avant anonymisation',
  set_password: 'Définissez votre mot de passe',
  staff_password_link: 'Lien de mot de passe (personnel)',
  subscription_expired: 'Abonnement expiré',
  cap_alert_low: 'Première alerte de plafond réseau',
  cap_alert_high: 'Seconde alerte de plafond réseau',
  cap_alert_full: 'Plafond réseau atteint',
};

export function mailTemplateLabel(template: string): string {
  if (template.startsWith('decision_')) {
    const key = template.slice('decision_'.length);
    if (isTemplateKey(key)) return `Réponse à une demande : ${DEFAULT_TEMPLATES[key].label}`;
  }
  return LABELS[template] ?? 'Autre courriel';
}
