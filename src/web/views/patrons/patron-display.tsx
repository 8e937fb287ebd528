import type { PatronState } from '../../../domain/patron-lifecycle.js';
import { frenchDay, STATE_BADGES, STATE_LABELS } from '../../../domain/patron-lifecycle.js';
import { DEFAULT_TEMPLATES, isTemplateKey } from '../../../domain/response-templates.js';

/**
 * How a patron's state, name and reasons read in the staff pages (list and record), so both
 * say the same thing the same way.
 */

/** The state as a coloured badge; the label is always in the text, colour only repeats it. */
export function StateBadge({
  state,
  activeUntil,
  small,
}: {
  state: PatronState;
  activeUntil?: string | null;
  small?: boolean;
}) {
  const label =
    state === 'active' && activeUntil
      ? `${STATE_LABELS.active} jusqu’au ${frenchDay(activeUntil)}`
      : STATE_LABELS[state];
  return (
    <p class={`fr-badge fr-badge--no-icon${small ? ' fr-badge--sm' : ''} ${STATE_BADGES[state]}`}>{label}</p>
  );
}

/** "Prénom Nom", or what stands for it once the personal data is gone. */
export function patronName(p: {
  firstName: string | null;
  lastName: string | null;
  state: PatronState;
}): string {
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ');
  if (name) return name;
  return p.state === 'lapsed' ? 'Demande expirée (données effacées)' : 'Usager anonymisé';
}

/**
 * Why a request was refused or lapsed, in words. A refusal stores the key of the template
 * chosen by staff; older or free reasons are shown as written.
 */
export function reasonLabel(p: { state: PatronState; refusalReason: string | null }): string | null {
  if (p.state === 'lapsed')
    return p.refusalReason === 'deleted_by_staff'
      ? 'Supprimée par la bibliothèque avant toute décision'
      : 'Adresse électronique non confirmée dans le délai';
  if (p.state !== 'refused' || !p.refusalReason) return null;
  if (isTemplateKey(p.refusalReason)) {
    const label = DEFAULT_TEMPLATES[p.refusalReason].label.replace(/^Refus\s*:\s*/, '');
    return label.charAt(0).toUpperCase() + label.slice(1);
  }
  return p.refusalReason;
}
