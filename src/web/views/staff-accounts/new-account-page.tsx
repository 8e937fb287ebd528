import type { Library } from '../../../db/repositories/libraries.js';
import { FormPage } from '../components/admin-page.js';
import { type FieldErrors, Form, FormActions, type FormValues, TextInput } from '../components/forms.js';
import { ProfileFields, STAFF_ACCOUNTS_URL, STAFF_FIELD_LABELS } from './account-fields.js';

export function NewAccountPage(props: {
  csrf: string;
  libraries: Library[];
  values: FormValues;
  errors?: FieldErrors;
  /** The network's format of library identifiers ("52#####"), empty when there is none. */
  identifierFormat: string;
}) {
  const { values, errors } = props;
  const entered = { values, errors };
  return (
    <FormPage
      trail={[{ href: STAFF_ACCOUNTS_URL, label: 'Comptes du personnel' }]}
      title="Créer un compte"
      intro={
        <>
          <p>
            La personne reçoit par courriel un lien « Définissez votre mot de passe » : personne d’autre ne
            connaît son mot de passe.
          </p>
          <p class="fr-hint-text">Tous les champs sont obligatoires, sauf indication contraire.</p>
        </>
      }
      errors={errors}
      labels={STAFF_FIELD_LABELS}
    >
      <Form action={`${STAFF_ACCOUNTS_URL}/nouveau`} csrf={props.csrf}>
        <TextInput
          name="identifier"
          label="Identifiant"
          hint={
            props.identifierFormat
              ? `Sert à se connecter. Compte de bibliothèque : format ${props.identifierFormat} (chaque # est un chiffre, par exemple ${props.identifierFormat.replaceAll('#', '1')}). Administration du réseau : lettres sans accent, chiffres et . _ -`
              : 'Sert à se connecter, par exemple 5210001 ou prenom.nom : lettres sans accent, chiffres et . _ -'
          }
          {...entered}
          maxLength={50}
          spellcheck={false}
          autocomplete="off"
          required
        />
        <ProfileFields
          {...entered}
          libraries={props.libraries}
          emailHint="Le lien pour définir le mot de passe est envoyé à cette adresse."
        />
        <FormActions submit="Créer le compte" cancelHref={STAFF_ACCOUNTS_URL} />
      </Form>
    </FormPage>
  );
}
