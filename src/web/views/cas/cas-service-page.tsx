import { CAS_ATTRIBUTE_LABELS, CAS_ATTRIBUTES } from '../../../connectors/cas/protocol.js';
import type { ResourceRow } from '../../../db/repositories/resources.js';
import { FormPage } from '../components/admin-page.js';
import { CheckboxGroup } from '../components/checkbox-group.js';
import {
  Checkbox,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../components/forms.js';

export const CAS_FIELD_LABELS: Record<string, string> = {
  enabled: 'Service CAS actif',
  servicePrefix: 'Adresse du service',
  attributes: 'Attributs transmis',
  ticketSeconds: 'Validité des tickets',
};

export const casServiceUrl = (resourceId: string) => `/admin/ressources/${resourceId}/cas`;

/**
 * A resource's entry in the CAS service registry: the addresses of the provider that may ask
 * for a ticket, and what it learns of the patron.
 */
export function CasServicePage(props: {
  csrf: string;
  resource: ResourceRow;
  baseUrl: string;
  networkTicketSeconds: number;
  values: FormValues;
  errors?: FieldErrors;
}) {
  const { resource } = props;
  return (
    <FormPage
      trail={[
        { href: '/admin/ressources', label: 'Catalogue des ressources' },
        { href: `/admin/ressources/${resource.id}`, label: resource.name },
      ]}
      title={`Connexion CAS — ${resource.name}`}
      crumb="Connexion CAS"
      wide
      errors={props.errors}
      labels={CAS_FIELD_LABELS}
      intro={
        <div class="fr-callout fr-mb-4w">
          <p class="fr-callout__text">
            Le fournisseur se connecte au serveur CAS 3.0 de Sésame : adresse du serveur{' '}
            <code>{props.baseUrl}/cas</code> (connexion <code>/cas/login</code>, validation{' '}
            <code>/cas/p3/serviceValidate</code>). Avant chaque ticket, Sésame vérifie les droits de l’usager
            comme à l’ouverture d’une ressource et compte la consultation. Le fournisseur reçoit toujours un
            identifiant anonyme propre à cette ressource (<code>user</code>), et les seuls attributs cochés
            ci-dessous.
          </p>
        </div>
      }
    >
      <Form action={casServiceUrl(resource.id)} csrf={props.csrf}>
        <div class="fr-fieldset__element">
          <Checkbox
            name="enabled"
            label="Service CAS actif"
            hint="Décoché : le fournisseur ne reçoit plus de ticket, la configuration est gardée."
            values={props.values}
            errors={props.errors}
          />
        </div>
        <TextInput
          name="servicePrefix"
          type="url"
          label="Adresse du service"
          hint="Début commun des adresses du fournisseur qui demandent un ticket, par exemple https://fournisseur.example/bibliotheque/. Seules les adresses qui commencent ainsi reçoivent un ticket. En https (http seulement sur la machine elle-même)."
          spellcheck={false}
          maxLength={2000}
          values={props.values}
          errors={props.errors}
          required
        />
        <CheckboxGroup
          name="attributes"
          legend="Attributs transmis au fournisseur"
          hint="Rien de coché : seul l’identifiant anonyme est transmis."
          options={CAS_ATTRIBUTES.map((a) => ({ value: a, label: CAS_ATTRIBUTE_LABELS[a] }))}
          values={props.values}
          errors={props.errors}
        />
        <TextInput
          name="ticketSeconds"
          label="Validité des tickets (secondes)"
          hint={`Laissez vide pour le réglage du réseau (${props.networkTicketSeconds} secondes). Entre 1 et 300.`}
          inputMode="numeric"
          values={props.values}
          errors={props.errors}
        />
        <SubmitButton>Enregistrer</SubmitButton>
      </Form>
    </FormPage>
  );
}
