import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getNetwork, type Network } from '../../../db/repositories/network.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import {
  type NetworkSettings,
  SETTING_GROUPS,
  SETTINGS,
  type SettingGroup,
  type SettingKey,
  textSettingError,
} from '../../../domain/settings.js';
import {
  integerRangeMessage,
  networkEmailError,
  networkNameError,
  settingsVersion,
  updateSettings,
} from '../../../usecases/network/update-settings.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  RadioGroup,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { Breadcrumb } from '../../views/layout.js';

const PAGE_URL = '/admin/parametres';
const KEYS = Object.keys(SETTINGS) as SettingKey[];
const YES = 'oui';
const NO = 'non';

const numberFormat = new Intl.NumberFormat('fr-FR');

/**
 * One field per setting, built from SETTINGS so a new setting appears here by itself. Numbers
 * may be typed with spaces ("10 000"); the checks and their messages are the use case's.
 */
function fieldSchema(key: SettingKey) {
  const def = SETTINGS[key];
  if (def.kind === 'number')
    return z
      .string(integerRangeMessage(def.min, def.max))
      .transform((s) => s.replace(/[\s\u00a0\u202f]/g, ''))
      .pipe(
        z
          .string()
          .regex(/^-?\d{1,12}$/, integerRangeMessage(def.min, def.max))
          .transform(Number)
          .pipe(
            z
              .number()
              .int()
              .min(def.min, integerRangeMessage(def.min, def.max))
              .max(def.max, integerRangeMessage(def.min, def.max)),
          ),
      );
  if (def.kind === 'boolean') return z.enum([YES, NO], 'Choisissez Oui ou Non.').transform((v) => v === YES);
  if (def.kind === 'text')
    return z
      .string()
      .optional()
      .default('')
      .transform((v) => v.trim())
      .superRefine((v, ctx) => {
        const message = textSettingError(def, v);
        if (message) ctx.addIssue({ code: 'custom', message });
      });
  return z.enum(Object.keys(def.choices) as [string, ...string[]], 'Choisissez l’une des possibilités.');
}

/** Checked field by field, so a wrong setting does not hide a wrong name or address. */
const checkedText = (check: (v: string) => string | undefined) =>
  z
    .string()
    .max(1000, 'Ce texte est trop long.')
    .optional()
    .default('')
    .superRefine((v, ctx) => {
      const message = check(v);
      if (message) ctx.addIssue({ code: 'custom', message });
    });

const settingsForm = z.object({
  name: checkedText(networkNameError),
  email: checkedText(networkEmailError),
  version: z.string().max(100).optional(),
  ...Object.fromEntries(KEYS.map((k) => [k, fieldSchema(k)])),
});

const FIELD_LABELS: Record<string, string> = {
  name: 'Nom du réseau',
  email: 'Adresse électronique du réseau',
  ...Object.fromEntries(KEYS.map((k) => [k, SETTINGS[k].label])),
};

function formValues(network: Pick<Network, 'name' | 'email' | 'settings'>): FormValues {
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

export async function settingsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function settingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string },
  ) {
    // Read afresh: the network of the request was loaded before a possible change by someone else.
    const network = await getNetwork(deps.db);
    const values = state.values ?? formValues(network);
    const groups = Object.entries(SETTING_GROUPS) as Array<[SettingGroup, string]>;
    return sendPage(request, reply, {
      title: 'Paramètres du réseau',
      status: state.status,
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Paramètres du réseau' }]}
          />
          <h1>Paramètres du réseau</h1>
          <p>
            Chaque règle chiffrée de {network.name} se règle ici. Les valeurs par défaut viennent du profil «{' '}
            {network.profile} » choisi à l’installation. Les champs chiffrés et les choix sont obligatoires,
            les coordonnées peuvent rester vides ; rien n’est enregistré tant qu’une valeur est incorrecte.
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
          {state.notice && (
            <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
              <p>{state.notice}</p>
            </div>
          )}
          <ErrorSummary errors={state.errors} labels={FIELD_LABELS} />
          <Form action={PAGE_URL} csrf={ctx.csrf}>
            <input type="hidden" name="version" value={settingsVersion(network)} />
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
                  errors={state.errors}
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
                  errors={state.errors}
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
                    <SettingField settingKey={key} network={network} values={values} errors={state.errors} />
                  </div>
                ))}
              </fieldset>
            ))}
            <SubmitButton>Enregistrer les paramètres</SubmitButton>
          </Form>
        </>
      ),
    });
  }

  app.get(PAGE_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return settingsPage(request, reply, {});
  });

  app.post(PAGE_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const form = parseForm(settingsForm, request.body);
    if (!form.ok)
      return settingsPage(request, reply, { values: form.values, errors: form.errors, status: 400 });
    const { name, email, version, ...settings } = form.data as Record<string, unknown> & {
      name: string;
      email: string;
      version?: string;
    };
    try {
      const { changed } = await updateSettings(deps, actor, {
        name,
        email,
        version,
        settings: settings as NetworkSettings,
      });
      setFlash(
        reply,
        changed.length ? 'success' : 'info',
        changed.length ? 'Paramètres enregistrés.' : 'Aucune modification : les paramètres sont inchangés.',
      );
      return reply.redirect(PAGE_URL, 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return settingsPage(request, reply, { values: form.values, errors: error.fieldErrors, status: 400 });
      if (error instanceof DomainError && error.status === 409)
        return settingsPage(request, reply, { values: form.values, notice: error.message, status: 409 });
      throw error;
    }
  });
}
