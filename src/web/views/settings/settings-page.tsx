import type { Network } from '../../../db/repositories/network.js';
import {
  type NetworkSettings,
  SETTING_GROUPS,
  SETTINGS,
  type SettingGroup,
  type SettingKey,
} from '../../../domain/settings.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  RadioGroup,
  SubmitButton,
  TextInput,
} from '../components/forms.js';
import { Breadcrumb } from '../layout.js';

export const SETTINGS_URL = '/admin/parametres';
export const SETTINGS_TITLE = 'Paramètres du réseau';
const KEYS = Object.keys(SETTINGS) as SettingKey[];
export const YES = 'oui';
export const NO = 'non';

const numberFormat = new Intl.NumberFormat('fr-FR');

export const FIELD_LABELS: Record<string, string> = {
  name: 'Nom du réseau',
  email: 'Adresse électronique du réseau',
  ...Object.fromEntries(KEYS.map((k) => [k, SETTINGS[k].label])),
};

/** The form's values as the network holds them now. */
export function formValues(network: Pick<Network, 'name' | 'email' | 'settings'>): FormValues {
  const values: FormValues = { name: network.name, email: network.email };
  for (const key of KEYS) {
    const v = network.settings[key];
    values[key] = typeof v === 'boolean' ? (v ? YES : NO) : String(v);
  }
  return values;
}

function describeValue(key: SettingKey, value: NetworkSettings[SettingKey]): string {
  const def = SETTINGS[key];
  if (def.kind === 'number') return `${numberFormat.format(value as number)} ${def.unit}`;
  if (def.kind === 'boolean') return value ? 'Oui' : 'Non';
  if (def.kind === 'text') return value ? `« ${value} »` : '(vide)';
  return (def.choices as Record<string, string>)[value as string] ?? String(value);
}

function SettingField({
  settingKey,
  network,
  values,
  errors,
}: {
  settingKey: SettingKey;
  network: Network;
  values: FormValues;
  errors?: FieldErrors;
}) {
  const def = SETTINGS[settingKey];
  const defaultValue = def.defaults[network.profile] as NetworkSettings[SettingKey];
  const defaultHint = `Valeur par défaut (profil ${network.profile}) : ${describeValue(settingKey, defaultValue)}`;
  if (def.kind === 'number')
    return (
      <TextInput
        name={settingKey}
        label={def.label}
        hint={
          <>
            Unité : {def.unit}. Nombre entier de {numberFormat.format(def.min)} à{' '}
            {numberFormat.format(def.max)}.
            <br />
            {defaultHint}
          </>
        }
        inputMode="numeric"
        values={values}
        errors={errors}
        maxLength={14}
        required
      />
    );
  if (def.kind === 'text')
    return (
      <TextInput
        name={settingKey}
        label={def.label}
        hint={
          <>
            {def.hint}
            <br />
            {defaultHint}
          </>
        }
        values={values}
        errors={errors}
        maxLength={def.maxLength}
      />
    );
  const options =
    def.kind === 'boolean'
      ? [
          { value: YES, label: 'Oui' },
          { value: NO, label: 'Non' },
        ]
      : Object.entries(def.choices as Record<string, string>).map(([value, label]) => ({ value, label }));
  return (
    <RadioGroup
      name={settingKey}
      label={def.label}
      hint={defaultHint}
      options={options}
      inline={def.kind === 'boolean'}
      values={values}
      errors={errors}
      required
    />
  );
}

/**
 * "/admin/parametres": one field per setting, grouped, each with its profile default; `version`
 * guards against saving over someone else's change.
 */
export function SettingsPage(props: {
  network: Network;
  values: FormValues;
  errors?: FieldErrors;
  notice?: string;
  version: string;
  csrf: string;
}) {
  const { network, values } = props;
  const groups = Object.entries(SETTING_GROUPS) as Array<[SettingGroup, string]>;
  return (
    <>
      <Breadcrumb items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Paramètres du réseau' }]} />
      <h1>Paramètres du réseau</h1>
      <p>
        Chaque règle chiffrée de {network.name} se règle ici. Les valeurs par défaut viennent du profil «{' '}
        {network.profile} » choisi à l’installation. Les champs chiffrés et les choix sont obligatoires, les
        coordonnées peuvent rester vides ; rien n’est enregistré tant qu’une valeur est incorrecte.
      </p>
      <p>
        Les textes de la FAQ, du mode d’emploi et des pages d’information se modifient dans{' '}
        <a href="/admin/contenus">Pages d’aide et d’information</a>.
      </p>
      <nav class="fr-summary fr-mb-4w" role="navigation" aria-labelledby="sommaire-titre">
        <p class="fr-summary__title" id="sommaire-titre">
          Sommaire
        </p>
        <ol class="fr-summary__list">
          <li>
            <a class="fr-summary__link" href="#groupe-nom">
              Réseau
            </a>
          </li>
          {groups.map(([group, label]) => (
            <li>
              <a class="fr-summary__link" href={`#groupe-${group}`}>
                {label}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {props.notice && (
        <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
          <p>{props.notice}</p>
        </div>
      )}
      <ErrorSummary errors={props.errors} labels={FIELD_LABELS} />
      <Form action={SETTINGS_URL} csrf={props.csrf}>
        <input type="hidden" name="version" value={props.version} />
        <fieldset class="fr-fieldset fr-mb-4w" id="groupe-nom" aria-labelledby="groupe-nom-legende">
          <legend class="fr-fieldset__legend fr-h4" id="groupe-nom-legende">
            Réseau
          </legend>
          <div class="fr-fieldset__element">
            <TextInput
              name="name"
              label="Nom du réseau"
              hint="Affiché en haut de chaque page et dans les courriels."
              values={values}
              errors={props.errors}
              maxLength={120}
              required
            />
          </div>
          <div class="fr-fieldset__element">
            <TextInput
              name="email"
              type="email"
              label="Adresse électronique du réseau"
              hint="Reçoit les copies des demandes adressées aux bibliothèques et le récapitulatif des demandes en retard."
              values={values}
              errors={props.errors}
              maxLength={254}
              spellcheck={false}
              required
            />
          </div>
        </fieldset>
        {groups.map(([group, label]) => (
          <fieldset
            class="fr-fieldset fr-mb-4w"
            id={`groupe-${group}`}
            aria-labelledby={`groupe-${group}-legende`}
          >
            <legend class="fr-fieldset__legend fr-h4" id={`groupe-${group}-legende`}>
              {label}
            </legend>
            {KEYS.filter((k) => SETTINGS[k].group === group).map((key) => (
              <div class="fr-fieldset__element">
                <SettingField settingKey={key} network={network} values={values} errors={props.errors} />
              </div>
            ))}
          </fieldset>
        ))}
        <SubmitButton>Enregistrer les paramètres</SubmitButton>
      </Form>
    </>
  );
}
