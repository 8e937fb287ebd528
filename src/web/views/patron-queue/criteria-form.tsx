import type { Library } from '../../../db/repositories/libraries.js';
import { QUEUE_ORDERS, QUEUE_SORTS, QUEUE_STATE_FILTERS } from '../../../domain/patron-queue.js';
import type { QueueView } from '../../../usecases/patrons/patron-queue.js';
import { FilterButtons, FilterSelect } from '../components/list.js';
import { ORDER_LABELS, QUEUE_URL, SORT_LABELS, STATE_FILTER_LABELS } from './queue-criteria.js';

/**
 * "Critères de recherche" of the list: library (fixed for staff of one library), state, text,
 * sort and order, submitted by GET so a filtered list can be bookmarked.
 */
/** One select of the criteria, in its column. */
function column<K extends string>(
  name: string,
  label: string,
  value: K,
  choices: readonly K[],
  labels: Record<K, string>,
) {
  const options = choices.map((c) => ({ value: c, label: labels[c] }));
  return (
    <div class="fr-col-12 fr-col-md-4">
      <FilterSelect id={`critere-${name}`} name={name} label={label} value={value} options={options} />
    </div>
  );
}

export function CriteriaForm(props: { admin: boolean; libraries: readonly Library[]; view: QueueView }) {
  const { libraries, view } = props;
  return (
    <form method="get" action={QUEUE_URL} role="search" aria-labelledby="criteres-titre" class="fr-mb-4w">
      <fieldset class="fr-fieldset" aria-labelledby="criteres-titre">
        <legend class="fr-fieldset__legend" id="criteres-titre">
          Critères de recherche
        </legend>
        <div class="fr-fieldset__element">
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-4">
              {libraries.length === 1 ? (
                <div class="fr-input-group">
                  <p class="fr-label fr-mb-1w">Bibliothèque locale</p>
                  <p class="fr-text--bold fr-mb-0">{libraries[0]!.name}</p>
                </div>
              ) : (
                <FilterSelect
                  id="critere-bibliotheque"
                  name="bibliotheque"
                  label="Bibliothèque locale"
                  value={view.libraryId ?? ''}
                  options={[
                    {
                      value: '',
                      label: props.admin ? 'Toutes les bibliothèques' : 'Toutes mes bibliothèques',
                    },
                    ...libraries.map((l) => ({
                      value: l.id,
                      label: l.active ? l.name : `${l.name} (désactivée)`,
                    })),
                  ]}
                />
              )}
            </div>
            {column('etat', 'État', view.state, QUEUE_STATE_FILTERS, STATE_FILTER_LABELS)}
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-input-group">
                <label class="fr-label" for="critere-q">
                  Recherche
                  <span class="fr-hint-text" id="critere-q-aide">
                    Nom, prénom, identifiant, courriel ou numéro de carte
                  </span>
                </label>
                <input
                  class="fr-input"
                  type="search"
                  id="critere-q"
                  name="q"
                  value={view.q}
                  maxLength={200}
                  spellcheck={false}
                  autocomplete="off"
                  aria-describedby="critere-q-aide"
                />
              </div>
            </div>
            {column('tri', 'Trier par', view.sort, QUEUE_SORTS, SORT_LABELS)}
            {column('ordre', 'Ordre', view.order, QUEUE_ORDERS, ORDER_LABELS)}
            <div class="fr-col-12 fr-col-md-4 sesame-criteria-actions">
              <FilterButtons submit="Rechercher" reset={{ href: QUEUE_URL, label: 'Réinitialiser' }} />
            </div>
          </div>
        </div>
      </fieldset>
    </form>
  );
}
