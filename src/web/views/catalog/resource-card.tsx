import type { ResourceRow } from '../../../db/repositories/resources.js';
import {
  AUDIENCE_LABELS,
  CATEGORY_LABELS,
  KIND_BADGES,
  KIND_LABELS,
  type ResourceKind,
} from '../../../domain/resources.js';
import { openHref } from './urls.js';

/** "Forfait", "Accès libre", "Ressource libre": the kind of content, as the catalog labels it. */
export function KindLabel({ kind }: { kind: ResourceKind }) {
  return <p class={`fr-badge fr-badge--sm fr-badge--no-icon ${KIND_BADGES[kind]}`}>{KIND_LABELS[kind]}</p>;
}

/** One resource of the catalog: what it is, its documents, the way in. */
export function ResourceCard({
  resource,
  headingLevel,
  lastUnit = false,
}: {
  resource: ResourceRow;
  headingLevel: 3 | 4;
  lastUnit?: boolean;
}) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div class="fr-col-12 fr-col-md-6">
      <div class="fr-card fr-card--no-arrow">
        <div class="fr-card__body">
          <div class="fr-card__content">
            <Heading class="fr-card__title">{resource.name}</Heading>
            <p class="fr-card__desc">{resource.description}</p>
            <div class="fr-card__start">
              <ul class="fr-badges-group">
                <li>
                  <KindLabel kind={resource.kind} />
                </li>
                {resource.category && (
                  <li>
                    <p class="fr-badge fr-badge--sm fr-badge--no-icon">
                      {CATEGORY_LABELS[resource.category]}
                    </p>
                  </li>
                )}
                {resource.audience !== 'all' && (
                  <li>
                    <p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--warning">
                      {AUDIENCE_LABELS[resource.audience]}
                    </p>
                  </li>
                )}
              </ul>
              <p class="fr-card__detail">{resource.provider}</p>
            </div>
            {resource.documents.length > 0 && (
              <ul class="fr-mt-2w">
                {resource.documents.map((d) => (
                  <li>
                    <a href={openHref(resource.id, d.id, lastUnit)}>
                      {d.title}
                      <span class="fr-sr-only"> — ouvrir dans {resource.name}</span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div class="fr-card__footer">
            <ul class="fr-btns-group fr-btns-group--inline-reverse fr-btns-group--inline-lg">
              <li>
                <a class="fr-btn fr-btn--secondary" href={openHref(resource.id)}>
                  Accéder au service<span class="fr-sr-only"> {resource.name}</span>
                </a>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </div>
  );
}
