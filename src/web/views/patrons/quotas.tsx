import { formatDateTime } from '../../../domain/paris.js';
import { monthLabel } from '../../../domain/paris-month.js';
import { CATEGORY_LABELS, KIND_BADGES, KIND_LABELS } from '../../../domain/resources.js';
import type { AccountUsage } from '../../../usecases/resources/account-usage.js';
import { DsfrTable } from '../components/table.js';

/** "Mes quotas ce mois-ci" and the consultation history, for the patron's "Mon compte". */

export function QuotasThisMonth({ data }: { data: AccountUsage }) {
  const month = monthLabel(data.month, true);
  return (
    <section class="fr-mb-4w" id="quotas" aria-labelledby="quotas-titre">
      <h2 id="quotas-titre">Mes quotas ce mois-ci</h2>
      {data.standing !== 'member' ? (
        <p>
          Les contenus au <strong>Forfait</strong> ne sont pas ouverts à votre compte pour le moment : vos
          quotas s’afficheront ici quand votre inscription sera validée et votre abonnement en cours.
        </p>
      ) : (
        <>
          <p>
            Quotas de {month}, renouvelés le 1er de chaque mois. Ouvrir de nouveau un document déjà consulté
            ce mois-ci ne compte pas une seconde fois.
          </p>
          <DsfrTable>
            <table>
              <caption>Documents au Forfait en {month}</caption>
              <thead>
                <tr>
                  <th scope="col">Catégorie</th>
                  <th scope="col">Utilisés</th>
                  <th scope="col">Restants</th>
                </tr>
              </thead>
              <tbody>
                {data.quotas.map((q) => (
                  <tr>
                    <th scope="row">{CATEGORY_LABELS[q.category]}</th>
                    <td>
                      {q.used} sur {q.limit}
                    </td>
                    <td>{q.left === 0 ? <strong>0 : quota atteint</strong> : q.left}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </DsfrTable>
        </>
      )}
      <p>
        <a class="fr-link" href="/ressources">
          Parcourir les ressources
        </a>
      </p>
    </section>
  );
}

export function ConsultationHistory({ data }: { data: AccountUsage }) {
  return (
    <section class="fr-mb-4w" id="consultations" aria-labelledby="consultations-titre">
      <h2 id="consultations-titre">Mes consultations</h2>
      {data.history.length === 0 ? (
        <p>Vous n’avez encore ouvert aucune ressource.</p>
      ) : (
        <DsfrTable>
          <table>
            <caption>
              {data.history.length === 1
                ? 'Votre dernière consultation'
                : `Vos ${data.history.length} dernières consultations, de la plus récente à la plus ancienne`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Ressource</th>
                <th scope="col">Document</th>
                <th scope="col">Forfait</th>
              </tr>
            </thead>
            <tbody>
              {data.history.map((c) => (
                <tr>
                  <td>{formatDateTime(c.at)}</td>
                  <td>
                    {c.resourceName}{' '}
                    <span class={`fr-badge fr-badge--sm fr-badge--no-icon ${KIND_BADGES[c.kind]}`}>
                      {KIND_LABELS[c.kind]}
                    </span>
                  </td>
                  <td>{c.document === '' ? 'Accueil du service' : (c.documentTitle ?? c.document)}</td>
                  <td>
                    {c.kind !== 'quota'
                      ? '—'
                      : c.counted
                        ? `Compté (${CATEGORY_LABELS[c.category ?? 'films']})`
                        : c.document === ''
                          ? 'Non compté'
                          : 'Non compté (déjà ouvert ce mois-ci)'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </DsfrTable>
      )}
    </section>
  );
}
