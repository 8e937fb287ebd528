import type { Library } from '../../../db/repositories/libraries.js';
import { REGISTRATION_LABELS } from '../../../domain/registration-form.js';
import { type FieldErrors, type FormValues, FormWithErrors } from '../components/forms.js';
import { HOME_CRUMB, PageFrame } from '../components/page.js';
import { Honeypot, RegistrationFields } from './registration-fields.js';

export const REGISTRATION_TITLE = 'Formulaire d’inscription';
export const REGISTRATION_CRUMBS = [HOME_CRUMB, { label: 'Inscription' }];

/** "Formulaire d’inscription" (/inscription): the form, again with its errors after a refusal. */
export function RegistrationFormPage(props: {
  csrf: string;
  networkName: string;
  libraries: Library[];
  passwordRule: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  return (
    <PageFrame title={REGISTRATION_TITLE} breadcrumb={REGISTRATION_CRUMBS} centred>
      <p>
        Pour accéder aux contenus de {props.networkName}, il faut être adhérent de l’une des bibliothèques du
        réseau. Votre bibliothèque valide ensuite votre demande.
      </p>
      <p class="fr-text--sm">Les champs avec un astérisque sont obligatoires.</p>
      <FormWithErrors
        action="/inscription"
        csrf={props.csrf}
        errors={props.errors}
        labels={REGISTRATION_LABELS}
        submit="Envoyer ma demande d’inscription"
      >
        <RegistrationFields
          libraries={props.libraries}
          values={props.values}
          errors={props.errors}
          passwordRule={props.passwordRule}
          withPassword
        />
        <Honeypot />
        <p class="fr-text--sm">
          Vos données servent uniquement à gérer votre accès : voir{' '}
          <a href="/donnees-personnelles">la politique de protection des données personnelles</a>.
        </p>
      </FormWithErrors>
      <p class="fr-mt-4w">
        Déjà inscrit ? <a href="/connexion">Se connecter</a>
      </p>
    </PageFrame>
  );
}
