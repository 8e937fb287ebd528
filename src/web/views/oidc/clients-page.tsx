import { OIDC_CLAIM_FIELDS, OIDC_CLAIM_LABELS } from '../../../connectors/oidc/claims.js';
import type { OidcClientRow } from '../../../db/repositories/oidc.js';
import type { ResourceRow } from '../../../db/repositories/resources.js';
import { PageHeading } from '../components/admin-page.js';
import { CheckboxGroup } from '../components/checkbox-group.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  TextArea,
  TextInput,
} from '../components/forms.js';
import { DsfrTable } from '../components/table.js';
import { ADMIN_RESOURCES_URL } from '../resources/resource-form.js';

export const oidcClientsUrl = (resourceId: string) => `${ADMIN_RESOURCES_URL}/${resourceId}/oidc`;

const LABELS = {
  name: 'Nom du service',
  redirectUris: 'Adresses de retour',
  claims: 'Informations transmises',
};

const frenchDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

/**
 * The OpenID Connect clients of a resource: the registered ones (id, return addresses, fields
 * released, revocation) and the form to register one. `created` is shown once, just after
 * registration, with its secret.
 */
export function OidcClientsPage(props: {
  csrf: string;
  issuer: string;
  resource: ResourceRow;
  clients: OidcClientRow[];
  values: FormValues;
  errors?: FieldErrors;
  created?: { clientId: string; secret: string };
}) {
  const { resource } = props;
  const active = props.clients.filter((c) => !c.revokedAt);
  return (
    <>
      <PageHeading
        trail={[
          { href: ADMIN_RESOURCES_URL, label: 'Catalogue des ressources' },
          { href: `${ADMIN_RESOURCES_URL}/${resource.id}`, label: resource.name },
        ]}
        title={`OpenID Connect — ${resource.name}`}
        label="OpenID Connect"
      />
      {props.created && (
        <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
          <h2 class="fr-alert__title">Client enregistré</h2>
          <p>
            Transmettez ces deux valeurs au fournisseur. <strong>Le secret n’est affiché qu’une fois</strong>{' '}
            : Sésame n’en garde qu’une empreinte. S’il est perdu, révoquez ce client et enregistrez-en un
            autre.
          </p>
          <dl>
            <dt>Identifiant du client (client_id)</dt>
            <dd>
              <code data-client-id>{props.created.clientId}</code>
            </dd>
            <dt>Secret du client (client_secret)</dt>
            <dd>
              <code data-client-secret>{props.created.secret}</code>
            </dd>
          </dl>
        </div>
      )}
      <p>
        Émetteur (issuer) à donner au fournisseur : <code>{props.issuer}</code> — document de découverte :{' '}
        <code>{props.issuer}/.well-known/openid-configuration</code>. Code d’autorisation avec PKCE (S256)
        obligatoire ; le fournisseur reçoit toujours un identifiant anonyme propre à chaque client.
      </p>
      <h2>Clients enregistrés</h2>
      {active.length === 0 ? (
        <p>Aucun client n’est enregistré pour cette ressource.</p>
      ) : (
        <DsfrTable>
          <table>
            <caption>Clients OpenID Connect de {resource.name}</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Identifiant du client</th>
                <th scope="col">Adresses de retour</th>
                <th scope="col">Informations transmises</th>
                <th scope="col">Enregistré le</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {active.map((c) => (
                <tr>
                  <td>{c.name}</td>
                  <td>
                    <code>{c.clientId}</code>
                  </td>
                  <td>
                    {c.redirectUris.map((u) => (
                      <div>{u}</div>
                    ))}
                  </td>
                  <td>
                    {c.claims.length
                      ? c.claims
                          .map((f) => OIDC_CLAIM_LABELS[f as keyof typeof OIDC_CLAIM_LABELS] ?? f)
                          .join(', ')
                      : 'Identifiant anonyme seulement'}
                  </td>
                  <td>{frenchDate.format(c.createdAt)}</td>
                  <td>
                    <Form action={`${oidcClientsUrl(resource.id)}/revoquer`} csrf={props.csrf}>
                      <input type="hidden" name="clientId" value={c.clientId} />
                      <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary">
                        Révoquer<span class="fr-sr-only"> le client {c.name}</span>
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </DsfrTable>
      )}
      <h2 class="fr-mt-4w">Enregistrer un client</h2>
      <ErrorSummary errors={props.errors} labels={LABELS} />
      <Form action={oidcClientsUrl(resource.id)} csrf={props.csrf}>
        <TextInput
          name="name"
          label={LABELS.name}
          hint="Tel que l’usager le verra sur la page d’autorisation."
          values={props.values}
          errors={props.errors}
          required
          maxLength={200}
        />
        <TextArea
          name="redirectUris"
          label={LABELS.redirectUris}
          hint="Une adresse par ligne, toutes sur le même site, par exemple https://fournisseur.example/oidc/retour."
          values={props.values}
          errors={props.errors}
          required
          rows={3}
        />
        <CheckboxGroup
          name="claims"
          legend={LABELS.claims}
          hint="En plus de l’identifiant anonyme. L’usager les voit et les autorise avant chaque connexion."
          options={OIDC_CLAIM_FIELDS.map((f) => ({ value: f, label: OIDC_CLAIM_LABELS[f] }))}
          values={props.values}
          errors={props.errors}
        />
        <button type="submit" class="fr-btn">
          Enregistrer le client
        </button>
      </Form>
    </>
  );
}
