import type { EventRow } from '../../../db/repositories/events.js';
import { ROLE_LABELS } from '../../../domain/actor.js';
import type { LibraryDetails } from '../../../usecases/network/library-details.js';
import type { LibraryFields } from '../../../usecases/network/save-library.js';
import { ActiveBadge, PageHeading, RefusalNotice } from '../components/admin-page.js';
import { ErrorSummary, type FieldErrors, Form, type FormValues, SubmitButton } from '../components/forms.js';
import { HistoryTable } from '../components/history.js';
import { DataTable } from '../components/list.js';
import { AccountBadge } from '../staff/account-badge.js';
import { LIBRARIES_URL, LIBRARY_FIELD_LABELS, LibraryFieldsInputs } from './library-fields.js';

const EVENT_LABELS: Record<string, string> = {
  library_created: 'Bibliothèque ajoutée',
  library_updated: 'Informations modifiées',
  library_deactivated: 'Bibliothèque désactivée',
  library_reactivated: 'Bibliothèque réactivée',
};

function eventDetails(e: EventRow): string {
  const data = e.data as { before?: Record<string, string>; after?: Record<string, string> };
  if (e.action !== 'library_updated' || !data.after) return '';
  return Object.entries(data.after)
    .map(([k, v]) => {
      const label = LIBRARY_FIELD_LABELS[k as keyof LibraryFields] ?? k;
      return `${label} : ${data.before?.[k] ?? '—'} → ${v}`;
    })
    .join(' ; ');
}

function ActivationBox({ library, csrf }: { library: LibraryDetails['library']; csrf: string }) {
  return (
    <div class="fr-col-12 fr-col-md-4">
      <h2>{library.active ? 'Désactiver' : 'Réactiver'}</h2>
      {library.active ? (
        <>
          <p>
            Une bibliothèque désactivée n’apparaît plus dans la liste publique des bibliothèques ni parmi les
            choix offerts aux nouveaux usagers. Ses comptes, ses usagers et son historique sont conservés.
          </p>
          <Form action={`${LIBRARIES_URL}/${library.id}/desactiver`} csrf={csrf}>
            <SubmitButton secondary>Désactiver la bibliothèque</SubmitButton>
          </Form>
        </>
      ) : (
        <>
          <p>Cette bibliothèque est désactivée : elle n’apparaît pas dans la liste publique.</p>
          <Form action={`${LIBRARIES_URL}/${library.id}/reactiver`} csrf={csrf}>
            <SubmitButton>Réactiver la bibliothèque</SubmitButton>
          </Form>
        </>
      )}
    </div>
  );
}

function StaffTable({ details, admin }: { details: LibraryDetails; admin: boolean }) {
  if (details.staff.length === 0) return <p>Aucun compte n’est rattaché à cette bibliothèque.</p>;
  return (
    <DataTable
      caption={`Comptes rattachés à ${details.library.name}`}
      headers={['Identifiant', 'Nom', 'Courriel', 'Rôle', 'État']}
    >
      {details.staff.map((s) => (
        <tr>
          <td>{admin ? <a href={`/admin/comptes/${s.id}`}>{s.identifier}</a> : s.identifier}</td>
          <th scope="row">{s.name}</th>
          <td>{s.email}</td>
          <td>{ROLE_LABELS[s.role]}</td>
          <td>
            <AccountBadge staff={s} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * A library: administrators edit every field and (de)activate it; library staff change only
 * the notification e-mail of their own library.
 */
export function LibraryPage(props: {
  details: LibraryDetails;
  admin: boolean;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  const { details, admin, csrf, errors } = props;
  const { library } = details;
  const values: FormValues = props.values ?? {
    code: library.code,
    name: library.name,
    town: library.town,
    email: library.email,
  };
  return (
    <>
      <PageHeading
        trail={[{ href: LIBRARIES_URL, label: admin ? 'Bibliothèques du réseau' : 'Mes bibliothèques' }]}
        title={library.name}
      />
      <div class="fr-mb-3w">
        <ActiveBadge active={library.active} />
      </div>
      <RefusalNotice message={props.notice} />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-8">
          <h2>Informations</h2>
          <ErrorSummary errors={errors} labels={LIBRARY_FIELD_LABELS} />
          {!admin && (
            <dl>
              <dt>Code</dt>
              <dd>{library.code}</dd>
              <dt>Nom</dt>
              <dd>{library.name}</dd>
              <dt>Commune</dt>
              <dd>{library.town}</dd>
            </dl>
          )}
          <Form action={`${LIBRARIES_URL}/${library.id}`} csrf={csrf}>
            <LibraryFieldsInputs values={values} errors={errors} editable={admin ? 'all' : 'email'} />
            <SubmitButton>Enregistrer les modifications</SubmitButton>
          </Form>
          {!admin && (
            <p class="fr-text--sm fr-mt-2w">
              Pour changer le nom, la commune ou le code de votre bibliothèque, écrivez à l’administration du
              réseau.
            </p>
          )}
        </div>
        {admin && <ActivationBox library={library} csrf={csrf} />}
      </div>

      {admin && (
        <p class="fr-mt-2w">
          <a
            class="fr-link fr-icon-settings-5-line fr-link--icon-left"
            href={`${LIBRARIES_URL}/${library.id}/sigb`}
          >
            Système de la bibliothèque (SIGB) interrogé en SIP2
          </a>
        </p>
      )}

      <h2 class="fr-mt-4w">Comptes du personnel</h2>
      <StaffTable details={details} admin={admin} />
      {admin && (
        <p>
          <a
            class="fr-link fr-icon-add-line fr-link--icon-left"
            href={`/admin/comptes/nouveau?bibliotheque=${library.id}`}
          >
            Créer un compte pour cette bibliothèque
          </a>
        </p>
      )}

      <h2 class="fr-mt-4w">Historique</h2>
      <HistoryTable
        events={details.history}
        caption="Historique de la bibliothèque"
        labels={EVENT_LABELS}
        details={eventDetails}
        empty="Aucune modification enregistrée."
      />
    </>
  );
}
