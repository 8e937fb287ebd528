import { ROLE_LABELS, type StaffRole } from '../../../domain/actor.js';
import { type FieldErrors, type FormValues, RadioGroup, Select, TextInput } from '../components/forms.js';

export const STAFF_ACCOUNTS_URL = '/admin/comptes';

export const STAFF_FIELD_LABELS: Record<string, string> = {
  identifier: 'Identifiant',
  name: 'Nom',
  email: 'Courriel',
  role: 'Rôle',
  libraryId: 'Bibliothèque',
};

export const ROLES = ['library_staff', 'network_admin'] as const satisfies readonly StaffRole[];

/** Name, e-mail, role and library: the same fields at creation and when correcting an account. */
export function ProfileFields(props: {
  values: FormValues;
  errors?: FieldErrors;
  libraries: Array<{ id: string; name: string; town: string; code: string }>;
  emailHint: string;
}) {
  const { values, errors, libraries, emailHint } = props;
  const entered = { values, errors };
  return (
    <>
      <TextInput
        name="name"
        label="Nom"
        hint="Prénom et nom de la personne, ou nom du service."
        {...entered}
        maxLength={120}
        required
      />
      <TextInput
        name="email"
        type="email"
        label="Courriel"
        hint={emailHint}
        {...entered}
        maxLength={254}
        spellcheck={false}
        autocomplete="off"
        required
      />
      <RadioGroup
        name="role"
        label="Rôle"
        options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        {...entered}
        required
      />
      <Select
        name="libraryId"
        label="Bibliothèque"
        hint="Obligatoire pour un compte de bibliothèque : il ne verra que les usagers de celle-ci. Sans objet pour l’administration du réseau."
        placeholder="Choisir une bibliothèque"
        options={libraries.map((l) => ({ value: l.id, label: `${l.name} (${l.town}, ${l.code})` }))}
        {...entered}
      />
    </>
  );
}
