import type { LibraryFields } from '../../../usecases/network/save-library.js';
import type { FieldErrors, FormValues } from '../components/forms.js';
import { TextInput } from '../components/forms.js';

export const LIBRARIES_URL = '/admin/bibliotheques';

export const LIBRARY_FIELD_LABELS: Record<keyof LibraryFields, string> = {
  code: 'Code',
  name: 'Nom',
  town: 'Commune',
  email: 'Courriel de notification',
};

/** The library's fields; library staff get the e-mail only (the rest is shown as text above). */
export function LibraryFieldsInputs({
  values,
  errors,
  editable,
}: {
  values?: FormValues;
  errors?: FieldErrors;
  editable: 'all' | 'email';
}) {
  const entered = { values, errors };
  return (
    <>
      {editable === 'all' && (
        <>
          <TextInput
            name="code"
            label="Code"
            hint="Le code de la bibliothèque dans le réseau, par exemple 5210001 : lettres sans accent, chiffres, - et _."
            {...entered}
            maxLength={20}
            spellcheck={false}
            required
          />
          <TextInput name="name" label="Nom" {...entered} maxLength={200} required />
          <TextInput
            name="town"
            label="Commune"
            {...entered}
            maxLength={120}
            autocomplete="address-level2"
            required
          />
        </>
      )}
      <TextInput
        name="email"
        type="email"
        label="Courriel de notification"
        hint="Reçoit les demandes des usagers à traiter : inscriptions, et renouvellements quand le réseau les permet en ligne. Format attendu : nom@domaine.fr."
        {...entered}
        maxLength={254}
        autocomplete="off"
        spellcheck={false}
        required
      />
    </>
  );
}
