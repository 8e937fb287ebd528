import { FormPage } from '../components/admin-page.js';
import {
  Checkbox,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../components/forms.js';

export const ILS_FIELD_LABELS = {
  hote: 'Serveur SIP2 du SIGB',
  port: 'Port',
  tls: 'Connexion chiffrée (TLS)',
  identifiant: 'Identifiant SIP2 de Sésame (CN)',
  motdepasse: 'Mot de passe SIP2 (CO)',
  localisation: 'Code de localisation (CP / AO)',
};

/** The address and SIP2 account of a library's own system (ILS), asked for check ①. */
export function LibraryIlsPage(props: {
  library: { id: string; name: string };
  configured: boolean;
  hasPassword: boolean;
  csrf: string;
  values: FormValues;
  errors?: FieldErrors;
}) {
  const url = `/admin/bibliotheques/${props.library.id}/sigb`;
  return (
    <FormPage
      trail={[
        { href: '/admin/bibliotheques', label: 'Bibliothèques du réseau' },
        { href: `/admin/bibliotheques/${props.library.id}`, label: props.library.name },
      ]}
      title={`Système de la bibliothèque (SIGB) — ${props.library.name}`}
      crumb="SIGB"
      errors={props.errors}
      labels={ILS_FIELD_LABELS}
      intro={
        <p>
          Facultatif. Avec ces réglages, Sésame demande au SIGB de la bibliothèque (Koha, Orphée, Decalog…) en
          SIP2 si le numéro de carte d’un usager est celui d’un adhérent actif : la réponse s’affiche sous la
          vérification ① de la décision, qui est alors pré-cochée, et le formulaire d’inscription par la
          bibliothèque peut reprendre le nom et la date de naissance. Sans réponse en 3 secondes, la page
          s’affiche quand même.
        </p>
      }
    >
      <Form action={url} csrf={props.csrf}>
        <TextInput
          name="hote"
          label={ILS_FIELD_LABELS.hote}
          hint="Nom ou adresse IP, ex. sigb.exemple.fr"
          required
          values={props.values}
          errors={props.errors}
          maxLength={253}
        />
        <TextInput
          name="port"
          label={ILS_FIELD_LABELS.port}
          inputMode="numeric"
          required
          values={props.values}
          errors={props.errors}
          maxLength={5}
        />
        <Checkbox name="tls" label={ILS_FIELD_LABELS.tls} values={props.values} errors={props.errors} />
        <TextInput
          name="identifiant"
          label={ILS_FIELD_LABELS.identifiant}
          hint="Vide si le SIGB ne demande pas de connexion (message 93)."
          values={props.values}
          errors={props.errors}
          maxLength={100}
        />
        <TextInput
          name="motdepasse"
          type="password"
          autocomplete="new-password"
          label={ILS_FIELD_LABELS.motdepasse}
          hint={
            props.hasPassword ? 'Un mot de passe est enregistré : laissez vide pour le garder.' : undefined
          }
          values={{}}
          errors={props.errors}
          maxLength={200}
        />
        <TextInput
          name="localisation"
          label={ILS_FIELD_LABELS.localisation}
          values={props.values}
          errors={props.errors}
          maxLength={50}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <SubmitButton>Enregistrer</SubmitButton>
          </li>
          {props.configured && (
            <li>
              <button type="submit" name="action" value="supprimer" class="fr-btn fr-btn--secondary">
                Ne plus interroger le SIGB
              </button>
            </li>
          )}
        </ul>
      </Form>
    </FormPage>
  );
}
