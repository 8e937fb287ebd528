import type { ComponentChildren } from 'preact';
import type { ResourceRow } from '../../../db/repositories/resources.js';
import { formatDocumentLines } from '../../../domain/resource-form.js';
import {
  AUDIENCE_LABELS,
  AUDIENCES,
  CAP_PERIOD_LABELS,
  CAP_PERIODS,
  CATEGORY_LABELS,
  CONNECTOR_KINDS,
  CONNECTOR_LABELS,
  KIND_LABELS,
  MN_FIELD_LABELS,
  MN_PERSONAL_FIELDS,
  QUOTA_CATEGORIES,
  RESOURCE_KINDS,
} from '../../../domain/resources.js';
import { CheckboxGroup } from '../components/checkbox-group.js';
import { Fieldset } from '../components/fieldset.js';
import {
  type FieldErrors,
  Form,
  type FormValues,
  RadioGroup,
  Select,
  SubmitButton,
  TextArea,
  TextInput,
} from '../components/forms.js';

export const ADMIN_RESOURCES_URL = '/admin/ressources';

export const RESOURCE_FIELD_LABELS: Record<string, string> = {
  name: 'Nom',
  provider: 'Fournisseur',
  description: 'Description',
  kind: 'Type de ressource',
  category: 'Catégorie de quota',
  audience: 'Public',
  libraries: 'Bibliothèques abonnées',
  libraryIds: 'Bibliothèques abonnées',
  connector: 'Accès au fournisseur',
  urlTemplate: 'Adresse du fournisseur',
  secret: 'Clé partagée',
  linkMinutes: 'Validité du lien',
  ssoId: 'Identifiant sso_id',
  loginUrl: 'Adresse sso_login',
  fields: 'Données personnelles transmises',
  capPeriod: 'Plafond réseau',
  capLimit: 'Consultations achetées',
  documents: 'Documents proposés',
};

/** The form filled with a resource as saved (its secret never leaves the server). */
export function valuesOf(r: ResourceRow, libraryIds: string[]): FormValues {
  const c = r.connectorConfig;
  return {
    name: r.name,
    provider: r.provider,
    description: r.description,
    kind: r.kind,
    category: r.category ?? '',
    audience: r.audience,
    underTwelve: r.underTwelve ? 'oui' : '',
    libraries: r.allLibraries ? 'all' : 'some',
    libraryIds: libraryIds.join(','),
    connector: r.connector,
    urlTemplate: c.urlTemplate,
    linkMinutes: c.linkMinutes ? String(c.linkMinutes) : '',
    ssoId: c.ssoId ?? '',
    loginUrl: c.loginUrl ?? '',
    fields: (c.fields ?? []).join(','),
    capPeriod: r.capPeriod ?? '',
    capLimit: r.capLimit ? String(r.capLimit) : '',
    documents: formatDocumentLines(r.documents),
  };
}

/** A titled group of the resource form, each child one field. */
function Group({ id, legend, children }: { id: string; legend: string; children: ComponentChildren }) {
  return (
    <Fieldset id={id} legendId={`${id}-legende`} class="fr-mb-4w" legendClass="fr-h5" legend={legend}>
      {children}
    </Fieldset>
  );
}

export function ResourceForm(props: {
  action: string;
  csrf: string;
  values: FormValues;
  errors?: FieldErrors;
  libraries: Array<{ id: string; name: string; code: string }>;
  secretHint: string;
  submit: string;
}) {
  const { values, errors } = props;
  const entered = { values, errors };
  return (
    <Form action={props.action} csrf={props.csrf}>
      <p class="fr-text--sm">Les champs marqués d’un astérisque sont obligatoires.</p>
      <Group id="groupe-description" legend="Description">
        <TextInput name="name" label="Nom" {...entered} maxLength={120} required />
        <TextInput name="provider" label="Fournisseur" {...entered} maxLength={120} required />
        <TextArea
          name="description"
          label="Description"
          hint="Affichée aux usagers dans le catalogue."
          rows={3}
          {...entered}
        />
      </Group>
      <Group id="groupe-droits" legend="Droits et quotas">
        <RadioGroup
          name="kind"
          label="Type de ressource"
          options={RESOURCE_KINDS.map((k) => ({
            value: k,
            label: `${KIND_LABELS[k]} — ${k === 'open' ? 'ouverte à tous, sans compte' : k === 'unlimited' ? 'usagers inscrits, sans quota' : 'usagers validés, compté dans le quota mensuel'}`,
          }))}
          {...entered}
          required
        />
        <Select
          name="category"
          label="Catégorie de quota"
          hint="Pour le Forfait seulement : la ressource compte dans le quota mensuel de cette catégorie (réglé dans les paramètres du réseau)."
          placeholder="— Aucune (ressource hors Forfait) —"
          options={QUOTA_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
          {...entered}
        />
        <RadioGroup
          name="audience"
          label="Public"
          hint="L’âge est calculé chaque jour à partir de la date de naissance de l’usager."
          options={AUDIENCES.map((a) => ({ value: a, label: AUDIENCE_LABELS[a] }))}
          {...entered}
          inline
          required
        />
        <div class="fr-checkbox-group">
          <input
            type="checkbox"
            id="champ-underTwelve"
            name="underTwelve"
            value="oui"
            checked={values.underTwelve === 'oui'}
          />
          <label class="fr-label" for="champ-underTwelve">
            Proposer dans l’espace jeunesse (moins de 12 ans)
          </label>
        </div>
      </Group>
      <Group id="groupe-bibliotheques" legend="Bibliothèques abonnées">
        <RadioGroup
          name="libraries"
          label="Bibliothèques dont les usagers ont accès"
          options={[
            { value: 'all', label: 'Toutes les bibliothèques du réseau' },
            { value: 'some', label: 'Seulement les bibliothèques cochées ci-dessous' },
          ]}
          {...entered}
          required
        />
        <CheckboxGroup
          name="libraryIds"
          legend="Bibliothèques abonnées"
          hint="Pris en compte seulement avec « Seulement les bibliothèques cochées »."
          options={props.libraries.map((l) => ({ value: l.id, label: `${l.name} (${l.code})` }))}
          {...entered}
        />
      </Group>
      <Group id="groupe-fournisseur" legend="Accès au fournisseur">
        <RadioGroup
          name="connector"
          label="Mode de transmission"
          options={CONNECTOR_KINDS.map((c) => ({ value: c, label: CONNECTOR_LABELS[c] }))}
          {...entered}
          required
        />
        <TextInput
          name="urlTemplate"
          type="url"
          label="Adresse du fournisseur"
          hint="Avec {document} à la place de l’identifiant du document (et {resource} si besoin). Exemple : https://fournisseur.exemple.fr/lire/{document}. Pour le format Médiathèque Numérique, c’est l’adresse de retour (return_url)."
          {...entered}
          spellcheck={false}
          required
        />
        <TextInput
          name="secret"
          type="password"
          label="Clé partagée avec le fournisseur"
          hint={props.secretHint}
          autocomplete="off"
          {...entered}
        />
        <TextInput
          name="linkMinutes"
          label="Validité du lien signé, en minutes"
          hint="Lien signé Sésame seulement. 5 minutes si vide."
          inputMode="numeric"
          {...entered}
          maxLength={5}
        />
        <TextInput
          name="ssoId"
          label="Identifiant sso_id"
          hint="Format Médiathèque Numérique seulement : donné par le fournisseur."
          {...entered}
          spellcheck={false}
        />
        <TextInput
          name="loginUrl"
          type="url"
          label="Adresse sso_login"
          hint="Format Médiathèque Numérique seulement. Exemple : https://reseau.mediatheque-numerique.exemple/sso_login"
          {...entered}
          spellcheck={false}
        />
        <CheckboxGroup
          name="fields"
          legend="Données personnelles transmises (format Médiathèque Numérique)"
          hint="Rien n’est transmis sans être coché. Le lien signé Sésame ne transmet jamais de donnée personnelle, seulement un pseudonyme."
          options={MN_PERSONAL_FIELDS.map((f) => ({ value: f, label: MN_FIELD_LABELS[f] }))}
          {...entered}
        />
      </Group>
      <Group id="groupe-plafond" legend="Plafond réseau (licences achetées)">
        <Select
          name="capPeriod"
          label="Plafond"
          hint="Nombre total de consultations comptées pour tout le réseau. Alertes par courriel aux seuils des paramètres ; à 100 %, la ressource ferme jusqu’à la période suivante."
          placeholder="— Pas de plafond —"
          options={CAP_PERIODS.map((p) => ({ value: p, label: `Plafond ${CAP_PERIOD_LABELS[p]}` }))}
          {...entered}
        />
        <TextInput
          name="capLimit"
          label="Consultations achetées pour la période"
          inputMode="numeric"
          {...entered}
          maxLength={12}
        />
      </Group>
      <Group id="groupe-documents" legend="Documents proposés dans le catalogue">
        <TextArea
          name="documents"
          label="Documents (facultatif)"
          hint="Un par ligne : identifiant chez le fournisseur ; titre. Exemple : film-42 ; Le Phare des brumes. Si la liste est remplie, seuls ces documents peuvent être ouverts."
          rows={8}
          {...entered}
        />
      </Group>
      <SubmitButton>{props.submit}</SubmitButton>
    </Form>
  );
}
