import type { LimitsDashboardData } from '../../../usecases/resources/limits-dashboard.js';
import { CapBadge, CapUseText } from './cap-use.js';

export type { LimitsDashboardData };

import { DsfrTable } from '../components/table.js';

const numberFormat = new Intl.NumberFormat('fr-FR');

/**
 * The "Licences et plafonds" section of /admin (network administrators): licence pool used and
 * available, with its warning, and each capped resource's use in its current period.
 */
export function LimitsDashboard({ data }: { data: LimitsDashboardData }) {
  const l = data.licences;
  const alertClass =
    l.level === 'full' ? 'fr-alert--error' : l.level === 'warning' ? 'fr-alert--warning' : 'fr-alert--info';
  return (
    <section class="fr-mt-6w" id="licences-plafonds" aria-labelledby="licences-plafonds-titre">
      <h2 id="licences-plafonds-titre">Licences et plafonds</h2>
      <div class={`fr-alert ${alertClass} fr-mb-4w`} role={l.level === 'ok' ? undefined : 'status'}>
        <h3 class="fr-alert__title">
          Comptes usagers : {numberFormat.format(l.used)} utilisés sur {numberFormat.format(l.pool)} achetés (
          {l.percent} %)
        </h3>
        <p>
          {l.level === 'full'
            ? 'Toutes les licences sont utilisées : les bibliothèques ne peuvent plus valider de nouvelle inscription, les demandes restent en attente. '
            : l.level === 'warning'
              ? `Plus de ${data.licenceWarningPercent} % des licences sont utilisées : il en reste ${numberFormat.format(l.available)}. `
              : `Il reste ${numberFormat.format(l.available)} licences disponibles. `}
          <a href="/admin/parametres#groupe-licences">Modifier le nombre de licences</a>
        </p>
      </div>
      {data.caps.length === 0 ? (
        <p>Aucune ressource n’a de plafond réseau.</p>
      ) : (
        <DsfrTable>
          <table>
            <caption>Utilisation des plafonds réseau pour la période en cours</caption>
            <thead>
              <tr>
                <th scope="col">Ressource</th>
                <th scope="col">Utilisation</th>
                <th scope="col">Alerte</th>
              </tr>
            </thead>
            <tbody>
              {data.caps.map(({ resource, cap }) => (
                <tr>
                  <th scope="row">
                    <a href={`/admin/ressources/${resource.id}`}>{resource.name}</a>
                  </th>
                  <td>
                    <CapUseText cap={cap} />
                  </td>
                  <td>{cap.level === 'ok' ? '—' : <CapBadge cap={cap} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </DsfrTable>
      )}
    </section>
  );
}
