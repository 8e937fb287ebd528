import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import { CARD_NUMBER_MAX, IDENTITY_LABELS, identityOf } from '../../../domain/patron-identity.js';
import { frenchDay } from '../../../domain/patron-lifecycle.js';
import { Fieldset } from '../components/fieldset.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  FormActions,
  type FormValues,
  TextInput,
} from '../components/forms.js';
import { Breadcrumb } from '../layout.js';
import { IdentityFieldset, NewsletterChoice } from '../registration/registration-fields.js';
import { patronName } from './patron-display.js';
import { recordToolUrl } from './patron-tools-panel.js';

export const recordUrl = (id: string) => `/admin/usagers/${id}`;

/** Dashboard › queue › the patron's record › this page. */
export function PatronCrumbs({ patron, label }: { patron: PatronWithLibrary; label: string }) {
  return (
    <Breadcrumb
      items={[
        { href: '/admin', label: 'Tableau de bord' },
        { href: '/admin/usagers', label: 'Validation des inscriptions' },
        { href: recordUrl(patron.id), label: patronName(patron) },
        { label },
      ]}
    />
  );
}

export const editPatronTitle = (patron: PatronWithLibrary) =>
  `Modifier les informations de ${patronName(patron)}`;

/** Staff correct a patron's identity; the form starts from what is recorded. */
export function EditPatronPage(props: {
  csrf: string;
  patron: PatronWithLibrary;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  const { csrf, patron, errors } = props;
  const current = identityOf(patron);
  const values: FormValues = props.values ?? {
    lastName: current.lastName,
    firstName: current.firstName,
    birthDate: current.birthDate ? frenchDay(current.birthDate) : '',
    email: current.email,
    cardNumber: current.cardNumber ?? '',
    newsletter: current.newsletter ? 'oui' : 'non',
  };
  const title = editPatronTitle(patron);
  const entered = { values, errors };
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <PatronCrumbs patron={patron} label="Modifier" />
        <h1>{title}</h1>
        <p>
          Corrigez les informations de l’usager. Chaque modification est enregistrée dans son historique avec
          l’ancienne et la nouvelle valeur. L’identifiant (<strong>{patron.identifier}</strong>) ne change
          pas.
        </p>
        <p class="fr-text--sm">Les champs avec un astérisque sont obligatoires.</p>
        <ErrorSummary errors={errors} labels={IDENTITY_LABELS} />
        <Form action={recordToolUrl(patron.id, 'modifier')} csrf={csrf}>
          <input type="hidden" name="version" value={patron.updatedAt.toISOString()} />
          <IdentityFieldset
            labels={IDENTITY_LABELS}
            birthHint="JJ/MM/AAAA. Elle détermine les contenus consultables."
            ownDetails={false}
            {...entered}
          />
          <Fieldset legend="Compte" legendId="contact-legende">
            <TextInput
              name="email"
              type="email"
              label={IDENTITY_LABELS.email}
              hint="Une nouvelle adresse n’est plus « vérifiée » et les liens envoyés à l’ancienne ne fonctionnent plus. Format attendu : nom@exemple.fr."
              spellcheck={false}
              autocomplete="off"
              maxLength={254}
              {...entered}
              required
            />
            <TextInput
              name="cardNumber"
              label={IDENTITY_LABELS.cardNumber}
              hint="Facultatif : le numéro de sa carte d’adhérent de la bibliothèque."
              maxLength={CARD_NUMBER_MAX}
              spellcheck={false}
              autocomplete="off"
              {...entered}
            />
          </Fieldset>
          <NewsletterChoice label="L’usager souhaite recevoir la newsletter" {...entered} required />
          <FormActions submit="Enregistrer les modifications" cancelHref={recordUrl(patron.id)} />
        </Form>
      </div>
    </div>
  );
}
