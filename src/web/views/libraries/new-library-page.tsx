import { FormPage } from '../components/admin-page.js';
import { type FieldErrors, Form, FormActions, type FormValues } from '../components/forms.js';
import { LIBRARIES_URL, LIBRARY_FIELD_LABELS, LibraryFieldsInputs } from './library-fields.js';

export function NewLibraryPage(props: { csrf: string; values?: FormValues; errors?: FieldErrors }) {
  return (
    <FormPage
      trail={[{ href: LIBRARIES_URL, label: 'Bibliothèques du réseau' }]}
      title="Ajouter une bibliothèque"
      intro={<p class="fr-hint-text">Tous les champs sont obligatoires.</p>}
      errors={props.errors}
      labels={LIBRARY_FIELD_LABELS}
    >
      <Form action={`${LIBRARIES_URL}/nouvelle`} csrf={props.csrf}>
        <LibraryFieldsInputs values={props.values} errors={props.errors} editable="all" />
        <FormActions submit="Ajouter la bibliothèque" cancelHref={LIBRARIES_URL} />
      </Form>
    </FormPage>
  );
}
