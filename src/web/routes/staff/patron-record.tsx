import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { type EventRow, eventsOf } from '../../../db/repositories/events.js';
import { listLibraries } from '../../../db/repositories/libraries.js';
import { findPatronForStaff, type PatronWithLibrary } from '../../../db/repositories/patrons.js';
import type { StaffActor } from '../../../domain/actor.js';
import { notFound } from '../../../domain/errors.js';
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
import { DEFAULT_TEMPLATES, isTemplateKey } from '../../../domain/response-templates.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { AppDeps, RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';
import { DecisionPanel, loadDecisionPanel } from '../../views/patrons/decision-panel.js';
import { patronName, reasonLabel, StateBadge } from '../../views/patrons/patron-display.js';
import { loadPatronTools, PatronToolsPanel, toolEventLines } from '../../views/patrons/patron-tools-panel.js';
import { loadResourcesTab, ResourcesTab } from '../../views/patrons/resources-tab.js';

const QUEUE_URL = '/admin/usagers';

/** What each recorded action reads as in the history; unknown actions get a neutral wording. */
const EVENT_LABELS: Record<string, string> = {
  registered: 'Demande d’inscription',
  registered_by_staff: 'Inscription par la bibliothèque',
  registration_attempt_existing_email: 'Nouvelle demande avec la même adresse (refusée : compte existant)',
  confirmation_reminded: 'Rappel envoyé : adresse à confirmer',
  email_confirmed: 'Adresse confirmée',
  accepted: 'Demande acceptée',
  refused: 'Demande refusée',
  renewal_requested: 'Demande de réinscription',
  renewal_accepted: 'Réinscription acceptée',
  renewal_refused: 'Réinscription refusée',
  decision_undone: 'Décision annulée',
  overdue_reminded: 'Relance automatique de la bibliothèque (demande en retard)',
  warned: 'Avertissement envoyé à la bibliothèque',
  lapsed: 'Demande expirée : adresse non confirmée à temps',
  renewal_reminded: 'Rappel de renouvellement envoyé',
  expired: 'Abonnement expiré',
  anonymised: 'Données personnelles effacées',
  retention_warned: 'Avertissement envoyé : données bientôt effacées',
  updated: 'Informations modifiées',
  password_changed: 'Mot de passe modifié',
  deleted: 'Compte supprimé',
  password_set: 'Mot de passe défini par l’usager',
  password_reset: 'Mot de passe réinitialisé par l’usager',
  password_link_resent: 'Lien « Définissez votre mot de passe » renvoyé',
  identity_corrected: 'Informations corrigées',
  library_changed: 'Changement de bibliothèque',
  renewed_by_staff: 'Droits renouvelés par la bibliothèque',
  deleted_by_staff: 'Usager supprimé par la bibliothèque',
  newsletter_changed: 'Choix de newsletter modifié par l’usager',
  email_change_requested: 'Changement d’adresse demandé par l’usager (à confirmer)',
  email_change_cancelled: 'Changement d’adresse annulé par l’usager',
  email_changed: 'Adresse électronique modifiée par l’usager',
  deleted_by_patron: 'Compte supprimé par l’usager',
};

export function eventLabel(action: string): string {
  return EVENT_LABELS[action] ?? `Autre événement (${action.replaceAll('_', ' ')})`;
}

const DECISION_WORDS = { accepted: 'acceptée', refused: 'refusée' } as const;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

/** The useful part of an event's data, in French: the message sent, the end date, the delay… */
function EventDetails({ event }: { event: EventRow }) {
  const d = event.data as Record<string, unknown>;
  const lines: string[] = toolEventLines(event);
  const template = str(d.template);
  if (template && isTemplateKey(template)) lines.push(`Modèle : ${DEFAULT_TEMPLATES[template].label}`);
  const activeUntil = str(d.activeUntil);
  if (activeUntil && /^\d{4}-\d{2}-\d{2}$/.test(activeUntil) && event.action.endsWith('accepted'))
    lines.push(`Actif jusqu’au ${frenchDay(activeUntil)}`);
  if (typeof d.daysWaiting === 'number')
    lines.push(`Après ${d.daysWaiting} jour${d.daysWaiting > 1 ? 's' : ''} d’attente`);
  if (event.action === 'decision_undone') {
    const was = str(d.decision);
    const by = str(d.decidedBy);
    const at = str(d.decidedAt);
    if (was === 'accepted' || was === 'refused')
      lines.push(
        `Décision ${DECISION_WORDS[was]}${at ? ` le ${formatDateTime(new Date(at))}` : ''}${by ? ` par ${by}` : ''} annulée ; la demande attend de nouveau une décision`,
      );
  }
  const deadline = str(d.confirmationDeadline);
  if (event.action === 'registered' && deadline)
    lines.push(`À confirmer avant le ${formatDate(new Date(deadline))}`);
  if (d.bulk === true) lines.push('Décision groupée');
  const subject = str(d.subject);
  const message = str(d.message);
  if (lines.length === 0 && !message) return null;
  return (
    <>
      {lines.map((l) => (
        <p class="fr-text--sm fr-mb-1v">{l}</p>
      ))}
      {message && (
        <details>
          <summary>Message envoyé{subject ? ` : « ${subject} »` : ''}</summary>
          <pre class="sesame-pre fr-text--sm fr-p-2w fr-background-alt--grey">{message}</pre>
        </details>
      )}
    </>
  );
}

function History({ events, libraryNames }: { events: EventRow[]; libraryNames: Map<string, string> }) {
  if (events.length === 0) return <p>Aucun événement enregistré.</p>;
  return (
    <DsfrTable class="fr-table--bordered">
      <table>
        <caption>Historique de l’usager, du plus récent au plus ancien</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Qui</th>
            <th scope="col">Quoi</th>
            <th scope="col">Pour le compte de</th>
            <th scope="col">Détails</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>{formatDateTime(e.at)}</td>
              <td>{e.actorLabel}</td>
              <th scope="row">{eventLabel(e.action)}</th>
              <td>
                {e.onBehalfOfLibraryId
                  ? (libraryNames.get(e.onBehalfOfLibraryId) ?? 'Bibliothèque supprimée')
                  : '—'}
              </td>
              <td>
                <EventDetails event={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </DsfrTable>
  );
}

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
 * Renders the patron's record page (Informations / Statut / Ressources, decision panel,
 * history). Exported so that a failed decision POST re-renders the same page with its messages.
 * The three parts are sections reached from an in-page summary: all visible, with or without
 * JavaScript.
 */
export async function renderPatronRecord(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
  actor: StaffActor,
  patronId: string,
  options: { decision?: { values?: FormValues; errors?: FieldErrors }; status?: number } = {},
): Promise<FastifyReply> {
  const patron = await findPatronForStaff(deps.db, actor.scope, patronId);
  if (!patron) throw notFound('Cet usager');
  const [history, panel, tools, resourcesTab] = await Promise.all([
    eventsOf(deps.db, { kind: 'patron', id: patron.id }),
    loadDecisionPanel(deps, actor, patron),
    loadPatronTools(deps, actor, patron),
    loadResourcesTab(deps, actor, patron),
  ]);
  const behalfIds = [
    ...new Set(history.map((e) => e.onBehalfOfLibraryId).filter((id): id is string => !!id)),
  ];
  // Named for the history only: these ids come from this patron's own events.
  const libraryNames = new Map(
    behalfIds.length
      ? (await listLibraries(deps.db, { all: false, libraryIds: behalfIds })).map((l) => [l.id, l.name])
      : [],
  );
  const now = deps.clock.now();
  const settings = request.network.settings;
  const name = patronName(patron);
  const sections = [
    { id: 'informations', label: 'Informations' },
    { id: 'statut', label: 'Statut' },
    { id: 'ressources', label: 'Ressources' },
    ...(panel
      ? [{ id: 'decision', label: panel.decide?.mode === 'activation' ? 'Activation' : 'Décision' }]
      : []),
    ...(tools ? [{ id: 'actions', label: 'Actions sur le compte' }] : []),
    { id: 'historique', label: 'Historique' },
  ];
  return sendPage(request, reply, {
    title: `${name} — usager`,
    status: options.status,
    body: (ctx) => (
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
          <ResourcesTab data={resourcesTab} csrf={ctx.csrf} />
        </section>
        {panel && (
          <DecisionPanel
            data={panel}
            csrf={ctx.csrf}
            values={options.decision?.values}
            errors={options.decision?.errors}
          />
        )}
        {tools && <PatronToolsPanel data={tools} csrf={ctx.csrf} />}
        <section id="historique" aria-labelledby="historique-titre" class="fr-mt-6w">
          <h2 id="historique-titre">Historique</h2>
          <History events={history} libraryNames={libraryNames} />
        </section>
      </>
    ),
  });
}

export async function patronRecordRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get<{ Params: { id: string } }>(`${QUEUE_URL}/:id`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    return renderPatronRecord(request, reply, deps, actor, request.params.id);
  });
}
