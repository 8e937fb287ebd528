import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { findPatronById, type PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { notFound } from '../../../domain/errors.js';
import {
  frenchDay,
  STATE_BADGES,
  STATE_LABELS,
  temporaryAccountEnd,
} from '../../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { RouteOptions } from '../../app.js';
import { requirePatron } from '../../guards.js';
import { sendPage } from '../../render.js';
import { Breadcrumb } from '../../views/layout.js';

/** The state as the patron reads it, with its end date when it has one. */
export function stateLabel(patron: PatronWithLibrary): string {
  if ((patron.state === 'active' || patron.state === 'renewal_pending') && patron.activeUntil)
    return patron.state === 'active'
      ? `Actif jusqu’au ${frenchDay(patron.activeUntil)}`
      : `Réinscription à valider — actif jusqu’au ${frenchDay(patron.activeUntil)}`;
  if (patron.state === 'pending') return 'Compte temporaire';
  return STATE_LABELS[patron.state];
}

/** What the account gives today and what comes next (SPEC §2, §3). */
export function AccountStatus({
  patron,
  settings,
}: {
  patron: PatronWithLibrary;
  settings: NetworkSettings;
}) {
  const badge = (
    <p class={`fr-badge fr-badge--no-icon ${STATE_BADGES[patron.state]}`}>{stateLabel(patron)}</p>
  );
  switch (patron.state) {
    case 'pending': {
      const until = temporaryAccountEnd(patron.pendingSince ?? patron.registeredAt, settings);
      return (
        <div class="fr-alert fr-alert--info fr-mb-4w">
          <h2 class="fr-alert__title">
            Compte temporaire : votre inscription est en attente de validation par {patron.libraryName}
          </h2>
          <p>
            Votre compte temporaire est ouvert jusqu’au {frenchDay(until)} au plus tard. Vous pouvez déjà
            consulter les contenus en <strong>Accès libre</strong>.
          </p>
          <p>
            Les contenus au <strong>Forfait</strong> seront consultables quand votre bibliothèque aura vérifié
            votre adhésion et votre date de naissance, puis validé votre inscription. Vous recevrez un
            courriel dès sa décision.
          </p>
        </div>
      );
    }
    case 'active':
      return (
        <section class="fr-mb-4w" aria-labelledby="etat-titre">
          <h2 id="etat-titre">Votre accès</h2>
          {badge}
          <p class="fr-mt-2w">
            Vous pouvez consulter les contenus en <strong>Accès libre</strong> et ceux au{' '}
            <strong>Forfait</strong>, dans la limite de vos quotas mensuels.
          </p>
        </section>
      );
    case 'renewal_pending':
      return (
        <section class="fr-mb-4w" aria-labelledby="etat-titre">
          <h2 id="etat-titre">Votre accès</h2>
          {badge}
          <p class="fr-mt-2w">
            Votre demande de réinscription attend la validation de {patron.libraryName}. Votre accès reste
            ouvert jusqu’à la fin de votre abonnement en cours.
          </p>
        </section>
      );
    case 'expired':
      return (
        <section class="fr-mb-4w" aria-labelledby="etat-titre">
          <h2 id="etat-titre">Votre accès</h2>
          {badge}
          <p class="fr-mt-2w">
            {patron.activeUntil
              ? `Votre abonnement a pris fin le ${frenchDay(patron.activeUntil)}. `
              : 'Votre abonnement a pris fin. '}
            Seules les ressources libres restent consultables : rapprochez-vous de {patron.libraryName} pour
            renouveler votre adhésion.
          </p>
        </section>
      );
    default:
      return (
        <section class="fr-mb-4w" aria-labelledby="etat-titre">
          <h2 id="etat-titre">Votre accès</h2>
          {badge}
        </section>
      );
  }
}

/** The identity given at registration, read-only. */
export function IdentitySummary({ patron }: { patron: PatronWithLibrary }) {
  const rows: Array<[string, string]> = [
    ['Nom', patron.lastName ?? ''],
    ['Prénom', patron.firstName ?? ''],
    ['Date de naissance', patron.birthDate ? frenchDay(patron.birthDate) : ''],
    ['Courriel', patron.email ?? ''],
    ['Identifiant', patron.identifier ?? ''],
    ['Bibliothèque de proximité', patron.libraryName],
    ['Newsletter', patron.newsletter ? 'Oui' : 'Non'],
  ];
  return (
    <section class="fr-mb-4w" aria-labelledby="identite-titre">
      <h2 id="identite-titre">Vos informations</h2>
      <div class="fr-table fr-table--no-caption">
        <table>
          <caption>Vos informations</caption>
          <tbody>
            {rows.map(([label, value]) => (
              <tr>
                <th scope="row">{label}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="fr-text--sm">
        Une information est inexacte ? Votre nom et votre date de naissance sont vérifiés par votre
        bibliothèque : adressez-vous à elle pour les corriger.
      </p>
    </section>
  );
}

/** "Mon compte": status first, then identity; later features add their sections as children. */
export function AccountPage(props: {
  patron: PatronWithLibrary;
  settings: NetworkSettings;
  children?: ComponentChildren;
}) {
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-9">
        <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Mon compte' }]} />
        <h1>Mon compte</h1>
        <AccountStatus patron={props.patron} settings={props.settings} />
        {props.children}
        <IdentitySummary patron={props.patron} />
      </div>
    </div>
  );
}

export async function accountRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/mon-compte', async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const patron = await findPatronById(deps.db, actor.id);
    if (!patron) throw notFound('Ce compte');
    return sendPage(request, reply, {
      title: 'Mon compte',
      body: () => <AccountPage patron={patron} settings={request.network.settings} />,
    });
  });
}
