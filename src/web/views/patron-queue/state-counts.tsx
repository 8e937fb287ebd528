import type { QueueCounts } from '../../../db/repositories/patron-queue.js';
import {
  defaultSort,
  QUEUE_STATE_FILTERS,
  SEARCH_COUNT_CAP,
  WAITING_FILTERS,
} from '../../../domain/patron-queue.js';
import type { QueueView } from '../../../usecases/patrons/patron-queue.js';
import { countText, numberFmt, queueHref, STATE_FILTER_LABELS } from './queue-criteria.js';

/** One link per state with its count, keeping the library, the text and (when it fits) the sort. */
export function StateCounts({ view, counts }: { view: QueueView; counts: QueueCounts }) {
  const vague = counts.a_valider === null;
  return (
    <nav class="fr-mb-3w" aria-labelledby="etats-titre">
      <h2 class="fr-h6 fr-mb-1w" id="etats-titre">
        Nombre d’usagers par état
      </h2>
      {vague && (
        <p class="fr-text--sm">
          Plus de {numberFmt.format(SEARCH_COUNT_CAP)} usagers correspondent à « {view.q} » : précisez la
          recherche (par exemple avec le prénom) pour voir leur nombre par état.
        </p>
      )}
      <ul class="fr-tags-group">
        {QUEUE_STATE_FILTERS.map((s) => {
          const c = counts[s];
          const keepSort = WAITING_FILTERS.includes(s) || view.sort !== 'attente';
          const href = queueHref(view, {
            state: s,
            page: 1,
            ...(keepSort ? {} : defaultSort(s)),
          });
          return (
            <li>
              <a class="fr-tag" href={href} aria-current={s === view.state ? 'true' : undefined}>
                {STATE_FILTER_LABELS[s]}
                {c ? ` (${countText(c)})` : ''}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
