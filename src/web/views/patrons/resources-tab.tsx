import { formatDate } from '../../../domain/paris.js';
import { AUDIENCE_LABELS, CATEGORY_LABELS } from '../../../domain/resources.js';
import type { ResourcesTabData } from '../../../usecases/resources/patron-rights.js';
import { Form } from '../components/forms.js';
import { DsfrTable } from '../components/table.js';
import { KindBadge } from '../resources/resource-kind.js';

export type { ResourcesTabData } from '../../../usecases/resources/patron-rights.js';

/** Where the withdraw / restore buttons post (scope-checked there). */
export function patronResourceAction(patronId: string, resourceId: string, withdraw: boolean): string {
  return `/admin/usagers/${patronId}/ressources/${resourceId}/${withdraw ? 'retirer' : 'retablir'}`;
}

/**
 * The record's "Ressources" tab (MDO): each resource with what this patron may open today
 * under the network's defaults, and the staff's per-patron withdrawals with who and when.
 * Plain forms: works without JavaScript.
 */
export function ResourcesTab({ data, csrf }: { data: ResourcesTabData; csrf: string }) {
  return (
    <>
      {data.standing === 'member' && (
        <p>
          Forfait ce mois-ci :{' '}
          {data.quotas.map((q) => `${CATEGORY_LABELS[q.category]} ${q.used} sur ${q.limit}`).join(' · ')}.
        </p>
      )}
      {data.lines.length === 0 ? (
        <p>Aucune ressource n’est proposée dans le catalogue du réseau.</p>
      ) : (
        <DsfrTable>
          <table>
            <caption>Droits de l’usager sur chaque ressource du catalogue</caption>
            <thead>
              <tr>
                <th scope="col">Ressource</th>
                <th scope="col">Type</th>
                <th scope="col">Accès aujourd’hui</th>
                <th scope="col">Retrait par la bibliothèque</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {data.lines.map(({ resource: r, right, refusal, withdrawable, subscribed }) => {
                const withdrawn = right?.withdrawn ?? false;
                return (
                  <tr>
                    <th scope="row">
                      {r.name}
                      {r.audience !== 'all' && (
                        <span class="fr-text--sm"> ({AUDIENCE_LABELS[r.audience]})</span>
                      )}
                    </th>
                    <td>
                      <KindBadge resource={r} />
                    </td>
                    <td>{refusal === null ? 'Ouvert' : `Non : ${refusal}`}</td>
                    <td>
                      {r.kind === 'open'
                        ? 'Ressource libre, ouverte à tous'
                        : !subscribed
                          ? 'Bibliothèque non abonnée'
                          : withdrawn
                            ? `Retirée par ${right!.changedByLabel} le ${formatDate(right!.changedAt)}`
                            : right
                              ? `Rétablie par ${right.changedByLabel} le ${formatDate(right.changedAt)}`
                              : 'Droit par défaut du réseau'}
                    </td>
                    <td>
                      {withdrawable && (
                        <Form action={patronResourceAction(data.patronId, r.id, !withdrawn)} csrf={csrf}>
                          <button
                            type="submit"
                            class={`fr-btn fr-btn--sm${withdrawn ? '' : ' fr-btn--secondary'}`}
                          >
                            {withdrawn ? 'Rétablir' : 'Retirer'}
                            <span class="fr-sr-only"> « {r.name} » pour cet usager</span>
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </DsfrTable>
      )}
    </>
  );
}
