import type { ComponentChildren } from 'preact';
import type { Library } from '../../../db/repositories/libraries.js';
import {
  HONEYPOT_FIELD,
  IDENTIFIER_MAX,
  NAME_MAX,
  REGISTRATION_LABELS,
} from '../../../domain/registration-form.js';
import { Fieldset } from '../components/fieldset.js';
import { DateInput, type FieldErrors, type FormValues, RadioGroup, TextInput } from '../components/forms.js';
import { LibrarySelect } from './library-select.js';

/**
 * The fields of the registration form (SPEC §2), shared by self-registration and by staff
 * registering a patron (who do not choose the password: `withPassword` false). For staff,
 * `staff` words the hints for the person at the desk and `libraryField` replaces the library
 * select (a fixed library, the card number).
 */
export function RegistrationFields(props: {
  libraries: Library[];
  values?: FormValues;
  errors?: FieldErrors;
  passwordRule: string;
  withPassword: boolean;
  staff?: boolean;
  libraryField?: ComponentChildren;
}) {
  const { values, errors } = props;
  // Staff type someone else's details: their browser must not offer their own.
  const staff = props.staff === true;
  const entered = { values, errors };
  return (
    <>
      <IdentityFieldset
        labels={REGISTRATION_LABELS}
        birthHint="JJ/MM/AAAA. La mention d’âge détermine les contenus consultables."
        ownDetails={!staff}
        {...entered}
      />
      <Fieldset legend="Compte" legendId="compte-legende">
        <TextInput
          name="email"
          type="email"
          label={REGISTRATION_LABELS.email}
          hint={
            staff
              ? 'L’usager y recevra le lien pour choisir son mot de passe. Format attendu : nom@exemple.fr.'
              : 'Un lien pour confirmer l’inscription y sera envoyé. Format attendu : nom@exemple.fr.'
          }
          autocomplete={staff ? 'off' : 'email'}
          spellcheck={false}
          maxLength={254}
          {...entered}
          required
        />
        <TextInput
          name="identifier"
          label={REGISTRATION_LABELS.identifier}
          hint={`${staff ? 'Choisi avec l’usager' : 'Celui de votre choix'}, évitez les accents : lettres sans accents, chiffres, point, tiret ou souligné (3 à ${IDENTIFIER_MAX} caractères).`}
          autocomplete={staff ? 'off' : 'username'}
          spellcheck={false}
          maxLength={IDENTIFIER_MAX}
          {...entered}
          required
        />
        {props.withPassword && [
          <TextInput
            name="password"
            type="password"
            label={REGISTRATION_LABELS.password}
            hint={props.passwordRule}
            autocomplete="new-password"
            errors={errors}
            required
          />,
          <TextInput
            name="confirmation"
            type="password"
            label={REGISTRATION_LABELS.confirmation}
            hint="Entrez à nouveau votre mot de passe"
            autocomplete="new-password"
            errors={errors}
            required
          />,
        ]}
      </Fieldset>
      <Fieldset legend="Bibliothèque" legendId="bibliotheque-legende" raw={Boolean(props.libraryField)}>
        {props.libraryField ?? (
          <LibrarySelect
            libraries={props.libraries}
            {...entered}
            hint="Sélectionnez votre bibliothèque de proximité, celle où vous êtes adhérent. Les bibliothèques sont classées par commune : tapez les premières lettres de la commune pour la trouver."
          />
        )}
      </Fieldset>
      <NewsletterChoice
        label={
          staff
            ? 'L’usager souhaite recevoir la newsletter pour connaître toutes les nouveautés.'
            : 'Je souhaite recevoir la newsletter pour connaître toutes les nouveautés.'
        }
        hint={
          staff
            ? 'Facultatif : sans réponse, l’usager ne la reçoit pas.'
            : 'Facultatif : sans réponse, vous ne la recevez pas.'
        }
        {...entered}
      />
    </>
  );
}

/**
 * Last name, first name and birth date, for registering and for staff correcting them. The
 * browser offers the person's own details only when `ownDetails` (never for staff).
 */
export function IdentityFieldset(props: {
  labels: { lastName: string; firstName: string; birthDate: string };
  birthHint: string;
  ownDetails: boolean;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { labels, values, errors, ownDetails } = props;
  const entered = { values, errors };
  return (
    <Fieldset legend="Identité" legendId="identite-legende">
      <TextInput
        name="lastName"
        label={labels.lastName}
        autocomplete={ownDetails ? 'family-name' : 'off'}
        maxLength={NAME_MAX}
        spellcheck={false}
        {...entered}
        required
      />
      <TextInput
        name="firstName"
        label={labels.firstName}
        autocomplete={ownDetails ? 'given-name' : 'off'}
        maxLength={NAME_MAX}
        spellcheck={false}
        {...entered}
        required
      />
      <DateInput name="birthDate" label={labels.birthDate} hint={props.birthHint} {...entered} required />
    </Fieldset>
  );
}

/** The newsletter question, Oui or Non side by side. */
export function NewsletterChoice(props: {
  label: string;
  hint?: string;
  required?: boolean;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  return (
    <RadioGroup
      name="newsletter"
      label={props.label}
      hint={props.hint}
      options={[
        { value: 'oui', label: 'Oui' },
        { value: 'non', label: 'Non' },
      ]}
      inline
      values={props.values}
      errors={props.errors}
      required={props.required}
    />
  );
}

/** Robots fill every field; people never see this one (hidden from display and assistive tech). */
export function Honeypot() {
  return (
    <div class="fr-hidden" aria-hidden="true">
      <label for="champ-site-web">Ne pas remplir ce champ</label>
      <input
        type="text"
        id="champ-site-web"
        name={HONEYPOT_FIELD}
        value=""
        tabIndex={-1}
        autocomplete="off"
      />
    </div>
  );
}
