import type { CatalogView } from '../../../usecases/resources/catalog.js';
import { HOME_CRUMB } from '../components/page.js';
import { Breadcrumb } from '../layout.js';
import { CatalogSections, StandingNotice } from './catalog-sections.js';
import { CATALOG_URL } from './urls.js';

export const YOUTH_TITLE = 'Espace jeunesse';

/** "Espace jeunesse" (/ressources/jeunesse): what is chosen for the under-12s, nothing locked shown. */
export function YouthPage({ view }: { view: CatalogView }) {
  const all = `${CATALOG_URL}?tout=1`;
  return (
    <>
      <Breadcrumb items={[HOME_CRUMB, { href: all, label: 'Ressources' }, { label: YOUTH_TITLE }]} />
      <h1>{YOUTH_TITLE}</h1>
      <p class="fr-text--lead">Histoires, jeux et films choisis pour les moins de 12 ans.</p>
      <StandingNotice view={view} />
      <CatalogSections
        view={{ ...view, lockedKinds: [] }}
        resources={view.resources.filter((r) => r.underTwelve)}
      />
      <p>
        <a class="fr-link" href={all}>
          Voir tout le catalogue
        </a>
      </p>
    </>
  );
}
