import type { Library } from '../../../db/repositories/libraries.js';
import type { StaffWithLibraries } from '../../../db/repositories/staff.js';
import { FormPage } from '../components/admin-page.js';
import { type FieldErrors, Form, FormActions, type FormValues } from '../components/forms.js';
import { ProfileFields, STAFF_ACCOUNTS_URL, STAFF_FIELD_LABELS } from './account-fields.js';

export function EditAccountPage(props: {
  csrf: string;
  account: StaffWithLibraries;
  libraries: Library[];
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { account, libraries, errors } = props;
  const values = props.values ?? {
    name: account.name,
    email: account.email,
    role: account.role,
    libraryId: account.libraryIds[0] ?? '',
  };
  const base = `${STAFF_ACCOUNTS_URL}/${account.id}`;
  return (
    <FormPage
      trail={[
        { href: STAFF_ACCOUNTS_URL, label: 'Comptes du personnel' },
        { href: base, label: account.identifier },
      ]}
      title={`Modifier le compte ${account.identifier}`}
      crumb="Modifier"
      intro={
        <>
          <p>
            L’identifiant ne change pas. Les changements valent dès la page suivante de la personne : un
            compte de bibliothèque ne voit que les usagers de la bibliothèque choisie ici.
          </p>
          {account.libraryIds.length > 1 && (
            <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
              <p>
                Ce compte dépend de {account.libraryIds.length} bibliothèques :{' '}
                {libraries
                  .filter((l) => account.libraryIds.includes(l.id))
                  .map((l) => l.name)
                  .join(', ')}
                . Garder l’une d’elles conserve toute la liste ; en choisir une autre la remplace.
              </p>
            </div>
          )}
          <p class="fr-hint-text">Tous les champs sont obligatoires, sauf indication contraire.</p>
        </>
      }
      errors={errors}
      labels={STAFF_FIELD_LABELS}
    >
      <Form action={`${base}/modifier`} csrf={props.csrf}>
        <ProfileFields
          values={values}
          errors={errors}
          libraries={libraries}
          emailHint="Si vous la changez, les liens « Définissez votre mot de passe » envoyés à l’ancienne adresse ne fonctionnent plus."
        />
        <FormActions submit="Enregistrer les modifications" cancelHref={base} />
      </Form>
    </FormPage>
  );
}
