import { formatDate } from '../../../domain/paris.js';
import { PageHeading } from '../components/admin-page.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  Select,
  SubmitButton,
  TextArea,
  TextInput,
} from '../components/forms.js';
import { DsfrTable } from '../components/table.js';

export const SIP2_URL = '/admin/sip2';

export interface Sip2AccountsPageProps {
  csrf: string;
  accounts: Array<{
    id: string;
    login: string;
    resourceName: string;
    allowedIps: string[];
    institution: string;
    createdAt: Date;
    createdBy: string;
  }>;
  resources: Array<{ id: string; name: string }>;
  /** Where the server listens, or null when it is off. */
  listener: { port: number; tls: boolean } | null;
  /** Just created: the password, shown this once. */
  created?: { login: string; password: string };
  values?: FormValues;
  errors?: FieldErrors;
}

const LABELS = {
  identifiant: 'Identifiant SIP2 (CN)',
  ressource: 'Ressource du fournisseur',
  adresses: 'Adresses IP autorisées',
  institution: 'Code d’institution (AO)',
};

/** The providers' accounts on Sésame's SIP2 server, and the form that opens one. */
export function Sip2AccountsPage(props: Sip2AccountsPageProps) {
  return (
    <>
      <PageHeading
        trail={[{ href: '/admin/ressources', label: 'Ressources' }]}
        title="Comptes SIP2 des fournisseurs"
      />
      <p>
        Les fournisseurs qui vérifient la carte et le mot de passe d’un usager en SIP2 (messages 93, 63 et 23)
        se connectent au serveur SIP2 de Sésame avec l’un de ces comptes. Les droits de l’usager sont ceux de
        la ressource liée : abonnement de sa bibliothèque, état de son compte, âge, retraits.
      </p>
      {props.listener ? (
        <p class="fr-badge fr-badge--success fr-mb-3w">
          Serveur SIP2 actif sur le port {props.listener.port} ({props.listener.tls ? 'TLS' : 'TCP en clair'})
        </p>
      ) : (
        <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
          <p>Le serveur SIP2 est arrêté : l’administrateur du serveur l’ouvre avec la variable SIP2_PORT.</p>
        </div>
      )}
      {props.created && (
        <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
          <h2 class="fr-alert__title">Compte « {props.created.login} » ouvert</h2>
          <p>
            Mot de passe (CO) : <code class="sesame-secret">{props.created.password}</code>
          </p>
          <p>Transmettez-le au fournisseur maintenant : il ne sera plus jamais affiché.</p>
        </div>
      )}
      <h2>Comptes ouverts</h2>
      {props.accounts.length === 0 ? (
        <p>Aucun compte SIP2 pour l’instant.</p>
      ) : (
        <DsfrTable>
          <table>
            <caption class="fr-sr-only">Comptes SIP2</caption>
            <thead>
              <tr>
                <th scope="col">Identifiant</th>
                <th scope="col">Ressource</th>
                <th scope="col">Adresses autorisées</th>
                <th scope="col">Institution</th>
                <th scope="col">Ouvert</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {props.accounts.map((a) => (
                <tr>
                  <td>{a.login}</td>
                  <td>{a.resourceName}</td>
                  <td>{a.allowedIps.length ? a.allowedIps.join(', ') : 'toutes'}</td>
                  <td>{a.institution}</td>
                  <td>
                    le {formatDate(a.createdAt)} par {a.createdBy}
                  </td>
                  <td>
                    <Form action={`${SIP2_URL}/supprimer`} csrf={props.csrf}>
                      <input type="hidden" name="compte" value={a.id} />
                      <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary">
                        Supprimer<span class="fr-sr-only"> le compte {a.login}</span>
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </DsfrTable>
      )}
      <h2 class="fr-mt-4w">Ouvrir un compte</h2>
      <ErrorSummary errors={props.errors} labels={LABELS} />
      <Form action={SIP2_URL} csrf={props.csrf}>
        <TextInput
          name="identifiant"
          label={LABELS.identifiant}
          hint="Lettres sans accent, chiffres, point ou tiret ; le mot de passe est tiré par Sésame."
          required
          maxLength={50}
          values={props.values}
          errors={props.errors}
        />
        <Select
          name="ressource"
          label={LABELS.ressource}
          required
          placeholder="Choisir une ressource"
          options={props.resources.map((r) => ({ value: r.id, label: r.name }))}
          values={props.values}
          errors={props.errors}
        />
        <TextArea
          name="adresses"
          label={LABELS.adresses}
          hint="Une adresse par ligne (ex. 203.0.113.10) ; vide : toutes les adresses."
          rows={3}
          values={props.values}
          errors={props.errors}
        />
        <TextInput
          name="institution"
          label={LABELS.institution}
          hint="Renvoyé dans les réponses ; SESAME si vide."
          maxLength={30}
          values={props.values}
          errors={props.errors}
        />
        <SubmitButton>Ouvrir le compte</SubmitButton>
      </Form>
    </>
  );
}
