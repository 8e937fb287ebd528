import type { DecisionKind } from '../../../domain/decision-rules.js';
import type { BulkOutcome } from '../../../usecases/patrons/decide-in-bulk.js';
import type { DecisionOutcome } from '../../../usecases/patrons/decide-request.js';

/** What staff read after a decision or a bulk action (the flash message of the next page). */

/** Up to `max` names, then how many more. */
export function listNames(names: string[], max = 10): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max
    ? `${shown} et ${names.length - max} autre${names.length - max > 1 ? 's' : ''}`
    : shown;
}

const minutes = (n: number) => `${n} minute${n > 1 ? 's' : ''}`;

export function decisionDoneMessage(
  outcome: Pick<DecisionOutcome, 'situation' | 'mailId' | 'onBehalf' | 'libraryName'> & {
    undoMinutes: number;
  },
  decision: DecisionKind,
): string {
  const done =
    outcome.situation === 'renewal'
      ? decision === 'accept'
        ? 'Réinscription acceptée'
        : 'Réinscription refusée'
      : decision === 'accept'
        ? 'Demande acceptée'
        : 'Demande refusée';
  const mail =
    outcome.mailId === null
      ? 'aucun courriel n’est envoyé (pas d’adresse électronique).'
      : outcome.undoMinutes > 0
        ? `le courriel partira dans ${minutes(outcome.undoMinutes)} (annulation possible d’ici là).`
        : 'le courriel part maintenant.';
  return `${done}${outcome.onBehalf ? ` pour ${outcome.libraryName}` : ''} : ${mail}`;
}

/** The message after a bulk decision, and its kind: who was decided, who was left aside and why. */
export function bulkDecisionMessage(
  outcome: BulkOutcome,
  accepted: boolean,
): { kind: 'success' | 'info' | 'error'; message: string } {
  const parts: string[] = [];
  if (outcome.done.length)
    parts.push(
      `${outcome.done.length} demande${outcome.done.length > 1 ? 's' : ''} ${accepted ? 'acceptée' : 'refusée'}${outcome.done.length > 1 ? 's' : ''} : ${listNames(outcome.done)}.`,
    );
  if (outcome.skipped.length)
    parts.push(
      `${outcome.skipped.length} laissée${outcome.skipped.length > 1 ? 's' : ''} de côté : ${listNames(
        outcome.skipped.map((s) => `${s.name} (${s.reason})`),
      )}.`,
    );
  if (outcome.done.length) parts.push('Les courriels partiront après le délai d’annulation.');
  return {
    kind: outcome.skipped.length ? (outcome.done.length ? 'info' : 'error') : 'success',
    message: parts.join(' '),
  };
}

/** The message after "Renouveler les droits" on a selection. */
export function bulkRenewMessage(outcome: BulkOutcome): {
  kind: 'success' | 'info' | 'error';
  message: string;
} {
  const parts: string[] = [];
  const n = outcome.done.length;
  if (n)
    parts.push(`${n} usager${n > 1 ? 's' : ''} renouvelé${n > 1 ? 's' : ''} : ${listNames(outcome.done)}.`);
  const k = outcome.skipped.length;
  if (k)
    parts.push(
      `${k} laissé${k > 1 ? 's' : ''} de côté : ${listNames(outcome.skipped.map((s) => `${s.name} (${s.reason})`))}.`,
    );
  if (n) parts.push('Chacun est informé par courriel de sa nouvelle date de fin.');
  return { kind: k ? (n ? 'info' : 'error') : 'success', message: parts.join(' ') };
}
