import type { ComponentChildren } from 'preact';
import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { formatDate, formatDateTime, parisDay } from '../../../domain/paris.js';
import {
  ageOn,
  confirmationDeadline,
  daysWaiting,
  frenchDay,
  isAwaitingDecision,
  isOverdue,
  STATE_LABELS,
  temporaryAccountEnd,
} from '../../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { PatronRecordData } from '../../../usecases/patrons/patron-record.js';
import type { FieldErrors, FormValues } from '../components/forms.js';
import { Breadcrumb } from '../layout.js';
import { DecisionPanel } from './decision-panel.js';
import { patronName, reasonLabel, StateBadge } from './patron-display.js';
import { PatronHistory } from './patron-history.js';
import { PatronToolsPanel } from './patron-tools-panel.js';
import { ResourcesTab } from './resources-tab.js';

const QUEUE_URL = '/admin/usagers';

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Informations({ patron, today }: { patron: PatronWithLibrary; today: ReturnType<typeof parisDay> }) {
  const none = <span class="fr-text-mention--grey">Non renseigné</span>;
  return (
    <dl class="sesame-facts">
      <Fact label="Nom">{patron.lastName ?? none}</Fact>
      <Fact label="Prénom">{patron.firstName ?? none}</Fact>
      <Fact label="Date de naissance">
        {patron.birthDate
          ? `${frenchDay(patron.birthDate)} (${plural(ageOn(patron.birthDate, today), 'an', 'ans')})`
          : `Année ${patron.birthYear} (date effacée)`}
      </Fact>
      <Fact label="Courriel">
        {patron.email ? (
          <>
            <span class="sesame-break">{patron.email}</span>
            <br />
            <span class="fr-text--sm">
              {patron.emailConfirmedAt
                ? `Adresse confirmée le ${formatDate(patron.emailConfirmedAt)}`
                : patron.channel === 'staff'
                  ? 'Adresse non encore vérifiée (elle le sera quand l’usager définira son mot de passe)'
                  : 'Adresse non confirmée'}
            </span>
          </>
        ) : (
          none
        )}
      </Fact>
      <Fact label="Identifiant">{patron.identifier ?? none}</Fact>
      <Fact label="Numéro de carte">{patron.cardNumber ?? none}</Fact>
      <Fact label="Bibliothèque">
        <a href={`/admin/bibliotheques/${patron.libraryId}`}>{patron.libraryName}</a>
      </Fact>
      <Fact label="Inscription">
        {patron.channel === 'self' ? 'En ligne, par l’usager' : 'Par la bibliothèque'}
      </Fact>
      <Fact label="Lettre d’information">{patron.newsletter ? 'Oui' : 'Non'}</Fact>
      <Fact label="Inscrit le">{formatDate(patron.registeredAt)}</Fact>
      <Fact label="Dernière modification">{formatDateTime(patron.updatedAt)}</Fact>
    </dl>
  );
}

function Status({
  patron,
  now,
  settings,
}: {
  patron: PatronWithLibrary;
  now: Date;
  settings: NetworkSettings;
}) {
  const waiting = isAwaitingDecision(patron.state);
  const days = daysWaiting(patron.pendingSince, now);
  const reason = reasonLabel(patron);
  return (
    <dl class="sesame-facts">
      <Fact label="État">
        <StateBadge state={patron.state} activeUntil={patron.activeUntil} />
      </Fact>
      <Fact label="Demande d’inscription">{formatDateTime(patron.registeredAt)}</Fact>
      <Fact label="Confirmation de l’adresse">
        {patron.emailConfirmedAt
          ? formatDateTime(patron.emailConfirmedAt)
          : patron.state === 'awaiting_confirmation'
            ? `Pas encore confirmée ; à confirmer avant le ${formatDate(confirmationDeadline(patron.registeredAt, settings))}`
            : patron.channel === 'staff'
              ? 'Adresse non encore vérifiée : l’usager n’a pas encore défini son mot de passe'
              : 'Non confirmée'}
      </Fact>
      {waiting && patron.pendingSince && (
        <Fact label="En attente de décision">
          Depuis le {formatDate(patron.pendingSince)}, soit {plural(days, 'jour', 'jours')}
          {isOverdue(patron.pendingSince, now, settings) && (
            <>
              {' '}
              <span class="fr-badge fr-badge--sm fr-badge--warning">En retard</span>
            </>
          )}
        </Fact>
      )}
      {patron.state === 'pending' && patron.pendingSince && (
        <Fact label="Compte temporaire">
          Jusqu’au {frenchDay(temporaryAccountEnd(patron.pendingSince, settings))}
        </Fact>
      )}
      <Fact label="Décision">
        {patron.decision && patron.decidedAt ? (
          <>
            {patron.decision === 'accepted' ? 'Acceptée' : 'Refusée'} le {formatDateTime(patron.decidedAt)}
            {patron.decidedByLabel && <> — décidé par {patron.decidedByLabel}</>}
            {patron.decidedOnBehalf && <> pour {patron.libraryName}</>}
          </>
        ) : (
          'Aucune décision pour le moment'
        )}
      </Fact>
      {reason && <Fact label={patron.state === 'lapsed' ? 'Raison' : 'Motif du refus'}>{reason}</Fact>}
      {patron.activeUntil && (
        <Fact label="Fin de l’abonnement">
          {patron.state === 'expired' ? 'Terminé le ' : 'Le '}
          {frenchDay(patron.activeUntil)}
        </Fact>
      )}
      {patron.lastWarnedAt && (
        <Fact label="Dernier avertissement à la bibliothèque">{formatDateTime(patron.lastWarnedAt)}</Fact>
      )}
      {patron.anonymisedAt && <Fact label="Données effacées le">{formatDate(patron.anonymisedAt)}</Fact>}
    </dl>
  );
}

/** Today's access (SPEC §3); the resources feature adds the detail per resource and the quotas. */
function Resources({ patron, settings }: { patron: PatronWithLibrary; settings: NetworkSettings }) {
  if (patron.state === 'pending')
    return (
      <>
        <p>
          <strong>Compte temporaire : « Accès libre » seulement</strong>
          {patron.pendingSince && (
            <>, jusqu’au {frenchDay(temporaryAccountEnd(patron.pendingSince, settings))}</>
          )}
          .
        </p>
        <p>
          Les ressources du « Forfait » (films, livres numériques, BD, presse) seront ouvertes quand la
          demande sera acceptée.
        </p>
      </>
    );
  if (patron.state === 'active' || patron.state === 'renewal_pending')
    return (
      <p>
        <strong>« Accès libre » et « Forfait »</strong>
        {patron.activeUntil && <> jusqu’au {frenchDay(patron.activeUntil)}</>}, dans la limite des quotas
        mensuels et selon l’âge.
      </p>
    );
  return (
    <p>
      <strong>Ressources libres seulement</strong>, ouvertes à tous sans compte : l’état «{' '}
      {STATE_LABELS[patron.state]} » ne donne accès à aucune autre ressource.
    </p>
  );
}

/**
 * A patron's record for staff. A request waiting for a decision puts the decision form first:
 * it is what staff came for; Informations, Statut and Ressources follow, each reached from the
 * in-page summary (all visible, with or without JavaScript), then the account tools and the
 * history.
 */
export function PatronRecordPage({
  data,
  csrf,
  decision,
}: {
  data: PatronRecordData;
  csrf: string;
  decision?: { values?: FormValues; errors?: FieldErrors };
}) {
  const { patron, panel, tools, now, settings } = data;
  const name = patronName(patron);
  const decisionSection = panel
    ? [{ id: 'decision', label: panel.decide?.mode === 'activation' ? 'Activation' : 'Décision' }]
    : [];
  const sections = [
    ...decisionSection,
    { id: 'informations', label: 'Informations' },
    { id: 'statut', label: 'Statut' },
    { id: 'ressources', label: 'Ressources' },
    ...(tools ? [{ id: 'actions', label: 'Actions sur le compte' }] : []),
    { id: 'historique', label: 'Historique' },
  ];
  return (
    <>
      <Breadcrumb
        items={[
          { href: '/admin', label: 'Tableau de bord' },
          { href: QUEUE_URL, label: 'Validation des inscriptions' },
          { label: name },
        ]}
      />
      <h1 class="fr-mb-1w">{name}</h1>
      <p class="fr-mb-4w">
        <StateBadge state={patron.state} activeUntil={patron.activeUntil} />
        <span class="fr-ml-1w">{patron.libraryName}</span>
      </p>
      <nav role="navigation" class="fr-summary fr-mb-4w" aria-labelledby="sommaire-titre">
        <p class="fr-summary__title" id="sommaire-titre">
          Sur cette fiche
        </p>
        <ol class="fr-summary__list">
          {sections.map((s) => (
            <li>
              <a class="fr-summary__link" href={`#${s.id}`}>
                {s.label}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {panel && (
        <div class="fr-mb-6w">
          <DecisionPanel data={panel} csrf={csrf} values={decision?.values} errors={decision?.errors} />
        </div>
      )}
      <section id="informations" aria-labelledby="informations-titre" class="fr-mb-6w">
        <h2 id="informations-titre">Informations</h2>
        <Informations patron={patron} today={parisDay(now)} />
      </section>
      <section id="statut" aria-labelledby="statut-titre" class="fr-mb-6w">
        <h2 id="statut-titre">Statut</h2>
        <Status patron={patron} now={now} settings={settings} />
      </section>
      <section id="ressources" aria-labelledby="ressources-titre" class="fr-mb-6w">
        <h2 id="ressources-titre">Ressources</h2>
        <Resources patron={patron} settings={settings} />
        <ResourcesTab data={data.resources} csrf={csrf} />
      </section>
      {tools && <PatronToolsPanel data={tools} csrf={csrf} />}
      <section id="historique" aria-labelledby="historique-titre" class="fr-mt-6w">
        <h2 id="historique-titre">Historique</h2>
        <PatronHistory events={data.history} libraryNames={data.libraryNames} />
      </section>
    </>
  );
}
