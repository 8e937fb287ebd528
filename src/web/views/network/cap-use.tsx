import { monthLabel } from '../../../domain/paris-month.js';
import type { CapUse } from '../../../usecases/resources/catalog-admin.js';

const numberFormat = new Intl.NumberFormat('fr-FR');

/** "12 / 500 (2 %) en novembre 2026": a network cap's use in its current period. */
export function CapUseText({ cap }: { cap: CapUse }) {
  const span = cap.period === 'month' ? monthLabel(cap.periodKey, true) : cap.periodKey;
  return (
    <>
      {numberFormat.format(cap.used)} / {numberFormat.format(cap.limit)} ({cap.percent} %) en {span}
    </>
  );
}

export function CapBadge({ cap }: { cap: CapUse }) {
  if (cap.level === 'full') return <p class="fr-badge fr-badge--sm fr-badge--error">Plafond atteint</p>;
  if (cap.level === 'high')
    return <p class="fr-badge fr-badge--sm fr-badge--warning">Au-delà de l’alerte haute</p>;
  if (cap.level === 'low')
    return <p class="fr-badge fr-badge--sm fr-badge--warning">Au-delà de la première alerte</p>;
  return null;
}
