import type { Library } from '../../../db/repositories/libraries.js';
import { QUEUE_ORDERS, QUEUE_SORTS, QUEUE_STATE_FILTERS } from '../../../domain/patron-queue.js';
import type { QueueView } from '../../../usecases/patrons/patron-queue.js';
import { FilterButtons, FilterSelect } from '../components/list.js';
import { ORDER_LABELS, QUEUE_URL, SORT_LABELS, STATE_FILTER_LABELS } from './queue-criteria.js';

/**
 * "Critères de recherche" of the list: library (fixed for staff of one library), state, text,
 * sort and order, submitted by GET so a filtered list can be bookmarked.
 */
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
            <div class="fr-col-12 fr-col-md-4">
              <FilterSelect
                id="critere-etat"
                name="etat"
                label="État"
                value={view.state}
                options={QUEUE_STATE_FILTERS.map((s) => ({ value: s, label: STATE_FILTER_LABELS[s] }))}
              />
            </div>
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
            <div class="fr-col-12 fr-col-md-4">
              <FilterSelect
                id="critere-tri"
                name="tri"
                label="Trier par"
                value={view.sort}
                options={QUEUE_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
              />
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <FilterSelect
                id="critere-ordre"
                name="ordre"
                label="Ordre"
                value={view.order}
                options={QUEUE_ORDERS.map((o) => ({ value: o, label: ORDER_LABELS[o] }))}
              />
            </div>
            <div class="fr-col-12 fr-col-md-4 sesame-criteria-actions">
              <FilterButtons submit="Rechercher" reset={{ href: QUEUE_URL, label: 'Réinitialiser' }} />
            </div>
          </div>
        </div>
      </fieldset>
    </form>
  );
}
