import type { CatalogView } from '../../../usecases/resources/catalog.js';
import { HOME_CRUMB } from '../components/page.js';
import { Breadcrumb } from '../layout.js';
import { CatalogSections, StandingNotice } from './catalog-sections.js';
import { YOUTH_URL } from './urls.js';

export const CATALOG_TITLE = 'Ressources numériques';

/** "Ressources numériques" (/ressources): everything the visitor's account and age open. */
export function CatalogPage({ view }: { view: CatalogView }) {
  return (
    <>
      <Breadcrumb items={[HOME_CRUMB, { label: 'Ressources' }]} />
      <h1>{CATALOG_TITLE}</h1>
      <StandingNotice view={view} />
      <p>
        <a class="fr-link" href={YOUTH_URL}>
          Espace jeunesse (moins de 12 ans)
        </a>
      </p>
      <CatalogSections view={view} resources={view.resources} />
    </>
  );
}
