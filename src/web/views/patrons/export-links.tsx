import type { StaffActor } from '../../../domain/actor.js';

const LIST_URL = '/admin/usagers';

export const EXPORT_URLS = {
  patrons: { xlsx: `${LIST_URL}/export.xlsx`, csv: `${LIST_URL}/export.csv` },
  newsletter: { xlsx: `${LIST_URL}/newsletter.xlsx`, csv: `${LIST_URL}/newsletter.csv` },
} as const;

/** The list's query string (criteria), kept by the export links so the file holds what the list shows. */
function queryOf(listUrl: string): string {
  const at = listUrl.indexOf('?');
  if (at < 0) return '';
  const params = new URLSearchParams(listUrl.slice(at + 1));
  // The file holds every page of the list, not the one on screen.
  params.delete('page');
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/**
 * "Exporter (Excel)" / "Exporter (CSV)" under the staff list: every patron of the current
 * criteria, all pages. Network administrators also get the newsletter recipients.
 */
export function ExportLinks({
  actor,
  listUrl,
  libraryId,
}: {
  actor: StaffActor;
  listUrl: string;
  libraryId: string | null;
}) {
  const query = queryOf(listUrl);
  const newsletterQuery = libraryId ? `?bibliotheque=${encodeURIComponent(libraryId)}` : '';
  return (
    <section class="fr-mt-4w fr-mb-4w" aria-labelledby="export-titre">
      <h2 class="fr-h6 fr-mb-1w" id="export-titre">
        Exporter la liste
      </h2>
      <p class="fr-text--sm fr-mb-1w">
        Tous les usagers correspondant aux critères ci-dessus (toutes les pages), dans le même ordre.
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-btns-group--icon-left">
        <li>
          <a
            class="fr-btn fr-btn--secondary fr-icon-download-line"
            href={`${EXPORT_URLS.patrons.xlsx}${query}`}
            download
          >
            Exporter (Excel)
          </a>
        </li>
        <li>
          <a
            class="fr-btn fr-btn--secondary fr-icon-download-line"
            href={`${EXPORT_URLS.patrons.csv}${query}`}
            download
          >
            Exporter (CSV)
          </a>
        </li>
      </ul>
      {actor.role === 'network_admin' && (
        <>
          <p class="fr-text--sm fr-mb-1w">
            Abonnés à la newsletter : usagers actifs ayant accepté de la recevoir (nom, prénom, courriel,
            bibliothèque){libraryId ? ', de la bibliothèque choisie' : ', de tout le réseau'}.
          </p>
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-btns-group--icon-left">
            <li>
              <a
                class="fr-btn fr-btn--tertiary fr-icon-download-line"
                href={`${EXPORT_URLS.newsletter.xlsx}${newsletterQuery}`}
                download
              >
                Newsletter (Excel)
              </a>
            </li>
            <li>
              <a
                class="fr-btn fr-btn--tertiary fr-icon-download-line"
                href={`${EXPORT_URLS.newsletter.csv}${newsletterQuery}`}
                download
              >
                Newsletter (CSV)
              </a>
            </li>
          </ul>
        </>
      )}
    </section>
  );
}
