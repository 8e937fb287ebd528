import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listResponseTemplates } from '../../../db/repositories/response-templates.js';
import { DomainError, notFound, ValidationError } from '../../../domain/errors.js';
import { DEFAULT_TEMPLATES, isTemplateKey, type TemplateKey } from '../../../domain/response-templates.js';
import {
  resetResponseTemplate,
  saveResponseTemplate,
} from '../../../usecases/network/save-response-template.js';
import { loadTemplateEditor } from '../../../usecases/network/template-editor.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { TemplateListPage } from '../../views/templates/template-list-page.js';
import { TemplatePage } from '../../views/templates/template-page.js';
import { templateUrl as editUrl, TEMPLATES_URL as LIST_URL } from '../../views/templates/template-words.js';

const templateForm = z.object({
  objet: z.string().max(10_000).optional().default(''),
  texte: z.string().max(200_000).optional().default(''),
  version: z.string().max(100).optional(),
  action: z.enum(['apercu', 'enregistrer']).catch('enregistrer'),
});

type EditState = { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string };

export async function templateRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(LIST_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const templates = await listResponseTemplates(deps.db);
    return sendPage(request, reply, {
      title: 'Modèles de réponse',
      body: () => <TemplateListPage templates={templates} />,
    });
  });

  async function editPage(request: FastifyRequest, reply: FastifyReply, key: TemplateKey, state: EditState) {
    const editor = await loadTemplateEditor(deps, key);
    return sendPage(request, reply, {
      title: `Modèle « ${editor.template.label} »`,
      status: state.status,
      body: (ctx) => <TemplatePage csrf={ctx.csrf} {...editor} {...state} />,
    });
  }

  function keyOf(raw: string): TemplateKey {
    if (!isTemplateKey(raw) || DEFAULT_TEMPLATES[raw].retired) throw notFound('Ce modèle');
    return raw;
  }

  app.get<{ Params: { key: string } }>(`${LIST_URL}/:key`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return editPage(request, reply, keyOf(request.params.key), {});
  });

  app.post<{ Params: { key: string } }>(`${LIST_URL}/:key`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const key = keyOf(request.params.key);
    const form = parseForm(templateForm, request.body);
    if (!form.ok)
      return editPage(request, reply, key, { values: form.values, errors: form.errors, status: 400 });
    if (form.data.action === 'apercu') return editPage(request, reply, key, { values: form.values });
    try {
      const { changed } = await saveResponseTemplate(deps, actor, {
        key,
        subject: form.data.objet,
        body: form.data.texte,
        version: form.data.version,
      });
      setFlash(
        reply,
        changed ? 'success' : 'info',
        changed
          ? DEFAULT_TEMPLATES[key].kind === 'message'
            ? `Modèle « ${DEFAULT_TEMPLATES[key].label} » enregistré : il sera proposé aux prochaines réponses.`
            : `Modèle « ${DEFAULT_TEMPLATES[key].label} » enregistré : il servira aux prochaines décisions.`
          : 'Aucune modification : le modèle est inchangé.',
      );
      return reply.redirect(editUrl(key), 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return editPage(request, reply, key, { values: form.values, errors: error.fieldErrors, status: 400 });
      if (error instanceof DomainError && error.status === 409)
        return editPage(request, reply, key, { values: form.values, notice: error.message, status: 409 });
      throw error;
    }
  });

  app.post<{ Params: { key: string } }>(`${LIST_URL}/:key/retablir`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const key = keyOf(request.params.key);
    const reset = await resetResponseTemplate(deps, actor, key);
    setFlash(
      reply,
      reset ? 'success' : 'info',
      reset ? 'Texte d’origine rétabli.' : 'Ce modèle avait déjà son texte d’origine.',
    );
    return reply.redirect(editUrl(key), 303);
  });
}
