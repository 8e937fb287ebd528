import {
  CATEGORY_LABELS,
  KIND_BADGES,
  KIND_LABELS,
  type QuotaCategory,
  type ResourceKind,
} from '../../../domain/resources.js';

/** "Forfait Films", "Ressource libre"…: a resource's kind and quota category, as lists show it. */
export function KindBadge({
  resource: r,
}: {
  resource: { kind: ResourceKind; category: QuotaCategory | null };
}) {
  return (
    <>
      <p class={`fr-badge fr-badge--sm fr-badge--no-icon ${KIND_BADGES[r.kind]}`}>{KIND_LABELS[r.kind]}</p>
      {r.category && <span class="fr-text--sm"> {CATEGORY_LABELS[r.category]}</span>}
    </>
  );
}
