import { frenchDay, type PatronState } from '../../../domain/patron-lifecycle.js';
import { AT_LIBRARY, renewalEligibility } from '../../../domain/renewal-rules.js';
import type { NetworkSettings } from '../../../domain/settings.js';

/**
 * On "Mon compte": the renewal button, when the patron may ask (an active subscription within
 * the reminder window, or an expired one). Without `today`, only an expired account shows it.
 */
export function RenewalCallout(props: {
  patron: { state: PatronState; activeUntil: string | null };
  settings: NetworkSettings;
  today?: string;
}) {
  const { patron } = props;
  // Renewal done at the library (MDO): the patron is told where to go, never offered a button.
  if (!props.settings.onlineRenewal)
    return patron.state === 'active' || patron.state === 'expired' ? (
      <div class="fr-callout fr-mt-2w">
        <p class="fr-callout__text">{AT_LIBRARY}</p>
      </div>
    ) : null;
  const eligible =
    patron.state === 'expired' ||
    (props.today !== undefined && renewalEligibility(patron, props.today, props.settings).ok);
  if (!eligible) return null;
  return (
    <div class="fr-callout fr-mt-2w">
      <p class="fr-callout__text">
        {patron.state === 'expired' || !patron.activeUntil
          ? 'Vous pouvez demander le renouvellement de votre abonnement : votre bibliothèque le validera après avoir vérifié votre adhésion.'
          : `Votre abonnement se termine le ${frenchDay(patron.activeUntil)}. Demandez son renouvellement dès maintenant : la nouvelle période commencera à la fin de l’actuelle, vous ne perdez aucun jour.`}
      </p>
      <a class="fr-btn fr-mt-2w" href="/mon-compte/renouveler">
        Demander le renouvellement
      </a>
    </div>
  );
}
