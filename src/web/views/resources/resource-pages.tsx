import type { ResourceRow } from '../../../db/repositories/resources.js';
import type { CapUse } from '../../../usecases/resources/catalog-admin.js';
import { FormPage } from '../components/admin-page.js';
import type { FieldErrors, FormValues } from '../components/forms.js';
import { ErrorSummary, Form, SubmitButton } from '../components/forms.js';
import { CapBadge, CapUseText } from '../network/cap-use.js';
import { ADMIN_RESOURCES_URL, RESOURCE_FIELD_LABELS, ResourceForm } from './resource-form.js';

type Libraries = Array<{ id: string; name: string; code: string }>;

const CATALOG = { href: ADMIN_RESOURCES_URL, label: 'Catalogue des ressources' };

/** What a new resource's form starts with: the most common kind of resource. */
export const NEW_RESOURCE_VALUES: FormValues = {
  kind: 'quota',
  category: 'films',
  audience: 'all',
  libraries: 'all',
  connector: 'signed_link',
  linkMinutes: '5',
};

export function NewResourcePage(props: {
  csrf: string;
  libraries: Libraries;
  values: FormValues;
  errors?: FieldErrors;
}) {
  return (
    <FormPage
      trail={[CATALOG]}
      title="Ajouter une ressource"
      wide
      errors={props.errors}
      labels={RESOURCE_FIELD_LABELS}
    >
      <ResourceForm
        action={`${ADMIN_RESOURCES_URL}/nouvelle`}
        csrf={props.csrf}
        values={props.values}
        errors={props.errors}
        libraries={props.libraries}
        secretHint={`Clé HMAC (lien signé) ou clé de id_encrypted (Médiathèque Numérique), d’au moins 16 caractères, convenue avec le fournisseur. Inutile pour un lien simple.`}
        submit="Ajouter la ressource"
      />
    </FormPage>
  );
}

export function EditResourcePage(props: {
  csrf: string;
  resource: ResourceRow;
  cap: CapUse | null;
  libraries: Libraries;
  values: FormValues;
  errors?: FieldErrors;
}) {
  const { csrf, resource, cap } = props;
  const secret = resource.connectorConfig.secret;
  const url = `${ADMIN_RESOURCES_URL}/${resource.id}`;
  return (
    <FormPage trail={[CATALOG]} title={resource.name} wide labels={RESOURCE_FIELD_LABELS}>
      <p>
        {resource.active ? (
          <span class="fr-badge fr-badge--success">Active</span>
        ) : (
          <span class="fr-badge fr-badge--error">
            Désactivée : absente du catalogue, ne peut pas être ouverte
          </span>
        )}
      </p>
      {cap && (
        <div class={`fr-callout fr-mb-4w${cap.level === 'ok' ? '' : ' fr-callout--orange-terre-battue'}`}>
          <h2 class="fr-callout__title fr-h5">Utilisation du plafond</h2>
          <p class="fr-callout__text">
            <CapUseText cap={cap} /> <CapBadge cap={cap} />
          </p>
        </div>
      )}
      <p>
        <a class="fr-link" href={`${url}/oidc`}>
          Clients OpenID Connect de la ressource
        </a>
      </p>
      <Form action={`${url}/${resource.active ? 'desactiver' : 'activer'}`} csrf={csrf} class="fr-mb-4w">
        <SubmitButton secondary>
          {resource.active ? 'Désactiver la ressource' : 'Réactiver la ressource'}
        </SubmitButton>
      </Form>
      <p>
        <a class="fr-link fr-icon-links-line fr-link--icon-left" href={`${url}/cas`}>
          Connexion CAS du fournisseur
        </a>
      </p>
      <h2>Modifier la ressource</h2>
      <ErrorSummary errors={props.errors} labels={RESOURCE_FIELD_LABELS} />
      <ResourceForm
        action={url}
        csrf={csrf}
        values={props.values}
        errors={props.errors}
        libraries={props.libraries}
        secretHint={
          secret && resource.connector !== 'direct'
            ? `Laissez vide pour garder la clé actuelle (${secret.length} caractères, se termine par « ${secret.slice(-3)} »). Au moins 16 caractères.`
            : 'Clé HMAC (lien signé) ou clé de id_encrypted (Médiathèque Numérique), d’au moins 16 caractères, convenue avec le fournisseur.'
        }
        submit="Enregistrer les modifications"
      />
    </FormPage>
  );
}
