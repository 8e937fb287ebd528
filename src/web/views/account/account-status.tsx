import type { ComponentChildren } from 'preact';
import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import {
  frenchDay,
  STATE_BADGES,
  STATE_LABELS,
  temporaryAccountEnd,
} from '../../../domain/patron-lifecycle.js';
import { hasEnded } from '../../../domain/renewal-rules.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import { Notice } from '../components/notice.js';
import { RenewalCallout } from './renewal-callout.js';

/** The state as the patron reads it, with its end date when it has one. */
export function stateLabel(patron: PatronWithLibrary): string {
  if ((patron.state === 'active' || patron.state === 'renewal_pending') && patron.activeUntil)
    return patron.state === 'active'
      ? `Actif jusqu’au ${frenchDay(patron.activeUntil)}`
      : `Réinscription à valider — actif jusqu’au ${frenchDay(patron.activeUntil)}`;
  if (patron.state === 'pending') return 'Compte temporaire';
  if (patron.state === 'expired' && patron.activeUntil)
    return `Abonnement expiré le ${frenchDay(patron.activeUntil)}`;
  return STATE_LABELS[patron.state];
}

/** "Votre accès": the state's badge, then what it means. */
function AccessSection(props: { badge: ComponentChildren; children?: ComponentChildren }) {
  return (
    <section class="fr-mb-4w" aria-labelledby="etat-titre">
      <h2 id="etat-titre">Votre accès</h2>
      {props.badge}
      {props.children}
    </section>
  );
}

/** What the account gives today and what comes next (SPEC §2, §3). */
export function AccountStatus({
  patron,
  settings,
  today,
}: {
  patron: PatronWithLibrary;
  settings: NetworkSettings;
  /** Paris day (AAAA-MM-JJ), to offer renewal near the end date. */
  today?: string;
}) {
  const badge = (
    <p class={`fr-badge fr-badge--no-icon ${STATE_BADGES[patron.state]}`}>{stateLabel(patron)}</p>
  );
  switch (patron.state) {
    case 'pending': {
      const until = temporaryAccountEnd(patron.pendingSince ?? patron.registeredAt, settings);
      return (
        <Notice
          kind="info"
          class="fr-mb-4w"
          title={
            <>Compte temporaire : votre inscription est en attente de validation par {patron.libraryName}</>
          }
        >
          <p>
            Votre compte temporaire est ouvert jusqu’au {frenchDay(until)} au plus tard. Vous pouvez déjà
            consulter les contenus en <strong>Accès libre</strong>.
          </p>
          <p>
            Les contenus au <strong>Forfait</strong> seront consultables quand votre bibliothèque aura vérifié
            votre adhésion et votre date de naissance, puis validé votre inscription. Vous recevrez un
            courriel dès sa décision.
          </p>
        </Notice>
      );
    }
    case 'active':
      return (
        <AccessSection badge={badge}>
          <p class="fr-mt-2w">
            Vous pouvez consulter les contenus en <strong>Accès libre</strong> et ceux au{' '}
            <strong>Forfait</strong>, dans la limite de vos quotas mensuels.
          </p>
          <RenewalCallout patron={patron} settings={settings} today={today} />
        </AccessSection>
      );
    case 'renewal_pending':
      return (
        <AccessSection badge={badge}>
          <p class="fr-mt-2w">
            Votre demande de réinscription attend la validation de {patron.libraryName}.{' '}
            {today && hasEnded(patron.activeUntil, today)
              ? 'Votre abonnement est terminé : les contenus au Forfait rouvriront dès la validation.'
              : 'Votre accès reste ouvert jusqu’à la fin de votre abonnement en cours.'}
          </p>
        </AccessSection>
      );
    case 'expired':
      return (
        <AccessSection badge={badge}>
          <p class="fr-mt-2w">
            {patron.activeUntil
              ? `Votre abonnement a pris fin le ${frenchDay(patron.activeUntil)}. `
              : 'Votre abonnement a pris fin. '}
            Seules les ressources libres restent consultables.
            {settings.onlineRenewal
              ? ` Vérifiez votre adhésion auprès de ${patron.libraryName}, puis demandez le renouvellement de votre abonnement.`
              : ` Pour continuer, rendez-vous à ${patron.libraryName} pour vous réinscrire.`}
          </p>
          <RenewalCallout patron={patron} settings={settings} today={today} />
        </AccessSection>
      );
    default:
      return <AccessSection badge={badge} />;
  }
}
