import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../../domain/settings.js';
import type { AccountHome } from '../../../usecases/account/account-home.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';
import { FactsTable } from '../components/table.js';
import { AccountSections } from '../patrons/account-sections.js';
import { ConsultationHistory, QuotasThisMonth } from '../patrons/quotas.js';
import { AccountStatus } from './account-status.js';

/** The identity given at registration, read-only. */
export function IdentitySummary({ patron }: { patron: PatronWithLibrary }) {
  const rows: Array<[string, string]> = [
    ['Nom', patron.lastName ?? ''],
    ['Prénom', patron.firstName ?? ''],
    ['Date de naissance', patron.birthDate ? frenchDay(patron.birthDate) : ''],
    ['Courriel', patron.email ?? ''],
    ['Identifiant', patron.identifier ?? ''],
    ['Bibliothèque de proximité', patron.libraryName],
    ['Newsletter', patron.newsletter ? 'Oui' : 'Non'],
  ];
  return (
    <section class="fr-mb-4w" aria-labelledby="identite-titre">
      <h2 id="identite-titre">Vos informations</h2>
      <FactsTable class="fr-table--no-caption" caption="Vos informations" rows={rows} />
      <p class="fr-text--sm">
        Nom et date de naissance sont corrigés par votre bibliothèque : écrivez-lui (
        <a href={`mailto:${patron.libraryEmail}`}>{patron.libraryEmail}</a>).
      </p>
    </section>
  );
}

/** "Mon compte": status, quotas and consultations, identity, then the patron's settings. */
export function AccountPage(props: {
  home: AccountHome;
  settings: NetworkSettings;
  csrf: string;
  networkName: string;
}) {
  const { patron, usage, messages, today } = props.home;
  return (
    <PageFrame
      title="Mon compte"
      breadcrumb={[HOME_CRUMB, { label: 'Mon compte' }]}
      cols="fr-col-md-10 fr-col-lg-9"
    >
      <AccountStatus patron={patron} settings={props.settings} today={today} />
      <QuotasThisMonth data={usage} />
      <ConsultationHistory data={usage} />
      <IdentitySummary patron={patron} />
      <AccountSections patron={patron} data={messages} csrf={props.csrf} networkName={props.networkName} />
    </PageFrame>
  );
}
