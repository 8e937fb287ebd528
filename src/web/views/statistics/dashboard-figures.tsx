import type { DashboardFigures } from '../../../usecases/statistics/dashboard-figures.js';

const integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** The dashboard's three figures that matter most, with the way to the statistics. */
export function DashboardFiguresView({ figures }: { figures: DashboardFigures }) {
  return (
    <section class="fr-mb-4w" aria-labelledby="chiffres-cles">
      <h2 class="fr-h4" id="chiffres-cles">
        Chiffres clés
      </h2>
      <ul class="fr-grid-row fr-grid-row--gutters sesame-key-figures">
        <li class="fr-col-12 fr-col-md-4">
          <p class="fr-h3 fr-mb-0">{integer.format(figures.waiting)}</p>
          <p>demandes en attente d’une décision</p>
        </li>
        <li class="fr-col-12 fr-col-md-4">
          <p class="fr-h3 fr-mb-0">
            {figures.medianDays === null ? 'non disponible' : `${decimal.format(figures.medianDays)} j`}
          </p>
          <p>
            délai médian de décision sur les 30 derniers jours
            {figures.medianDays === null
              ? ' (aucune décision datée)'
              : ` (${integer.format(figures.decisions)} décision${figures.decisions > 1 ? 's' : ''})`}
          </p>
        </li>
        <li class="fr-col-12 fr-col-md-4">
          <p class="fr-h3 fr-mb-0">{integer.format(figures.active)}</p>
          <p>usagers actifs aujourd’hui</p>
        </li>
      </ul>
      <p>
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="/admin/statistiques">
          Voir les statistiques
        </a>
      </p>
    </section>
  );
}
