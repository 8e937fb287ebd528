import type { EventRow } from '../../../db/repositories/events.js';
import { formatDate, formatDateTime } from '../../../domain/paris.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { DEFAULT_TEMPLATES, isTemplateKey } from '../../../domain/response-templates.js';
import { DsfrTable } from '../components/table.js';
import { toolEventLines } from './patron-tools-panel.js';

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
/** `confirmed`: the patron has confirmed the address since (the deadline no longer applies). */
function EventDetails({ event, confirmed }: { event: EventRow; confirmed: boolean }) {
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
  if (event.action === 'registered' && deadline && !confirmed)
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

export function PatronHistory({
  events,
  libraryNames,
}: {
  events: EventRow[];
  libraryNames: Map<string, string>;
}) {
  if (events.length === 0) return <p>Aucun événement enregistré.</p>;
  const confirmed = events.some((e) => e.action === 'email_confirmed');
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
                <EventDetails event={e} confirmed={confirmed} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </DsfrTable>
  );
}
