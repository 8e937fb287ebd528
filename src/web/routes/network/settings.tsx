import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getNetwork } from '../../../db/repositories/network.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import {
  type NetworkSettings,
  SETTINGS,
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
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import {
  formValues,
  NO,
  SETTINGS_TITLE,
  SETTINGS_URL,
  SettingsPage,
  YES,
} from '../../views/settings/settings-page.js';

const PAGE_URL = SETTINGS_URL;
const KEYS = Object.keys(SETTINGS) as SettingKey[];

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

export async function settingsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function settingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string },
  ) {
    // Read afresh: the network of the request was loaded before a possible change by someone else.
    const network = await getNetwork(deps.db);
    const values = state.values ?? formValues(network);
    return sendPage(request, reply, {
      title: SETTINGS_TITLE,
      status: state.status,
      body: (ctx) => (
        <SettingsPage
          network={network}
          values={values}
          errors={state.errors}
          notice={state.notice}
          version={settingsVersion(network)}
          csrf={ctx.csrf}
        />
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
