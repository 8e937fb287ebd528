import { formatDate } from './paris.js';
import type { ResourceRefusal } from './resource-access.js';

/**
 * A refusal as staff read it on a patron's record. The refusal's own message speaks to the
 * patron ("votre bibliothèque", "demandez… depuis « Mon compte »"); staff need the same fact
 * about this patron, in the third person.
 */
export function staffRefusalReason(refusal: ResourceRefusal): string {
  switch (refusal.code) {
    case 'temporary_account':
      return 'compte temporaire : le Forfait s’ouvrira quand la demande sera acceptée';
    case 'temporary_ended':
      return 'compte temporaire terminé : la demande n’a pas été acceptée à temps';
    case 'subscription_expired':
      return 'abonnement expiré : à renouveler (Actions sur le compte) ou sur demande de l’usager';
    case 'registration_refused':
      return 'demande d’inscription refusée : ressources libres seulement';
    case 'account_closed':
      return 'l’état du compte ne donne accès qu’aux ressources libres';
    case 'not_subscribed':
      return 'la bibliothèque de l’usager n’est pas abonnée à cette ressource';
    case 'right_withdrawn':
      return 'retirée à cet usager par la bibliothèque';
    case 'age_unknown':
      return 'âge inconnu : contenu réservé à un public plus âgé';
    case 'quota_reached':
      return refusal.retryAt
        ? `quota du mois atteint, de nouveau possible le ${formatDate(refusal.retryAt)}`
        : 'quota du mois atteint';
    default:
      return refusal.message;
  }
}
