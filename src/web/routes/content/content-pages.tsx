import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { CONTENT_PAGES, type ContentKey, isContentKey } from '../../../domain/content-pages.js';
import { notFound, ValidationError } from '../../../domain/errors.js';
import { listContent, loadContentEditor, loadContentPage } from '../../../usecases/content/load-content.js';
import { restoreContent } from '../../../usecases/content/restore-content.js';
import { type ContentConflict, saveContent } from '../../../usecases/content/save-content.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin, requireStaff } from '../../guards.js';
import { parseFaq, renderMarkdown } from '../../markdown.js';
import { sendPage, setFlash } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { ContentEditPage } from '../../views/content/content-edit-page.js';
import { ContentListPage } from '../../views/content/content-list-page.js';
import { CONTENT_ADMIN_URL, contentEditUrl } from '../../views/content/content-words.js';
import { FaqPage } from '../../views/content/faq-page.js';
import { MarkdownPage } from '../../views/content/markdown-page.js';
import type { PageContext } from '../../views/layout.js';
import { HelpContact } from '../../views/public/help-contact.js';

const contentForm = z.object({
  texte: z.string().optional().default(''),
  version: z.string().max(100).optional(),
  action: z.enum(['apercu', 'enregistrer']).catch('enregistrer'),
});
const restoreForm = z.object({ version: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const searchOf = (request: FastifyRequest) =>
  String((request.query as Record<string, unknown>).q ?? '')
    .trim()
    .slice(0, 100);

type EditState = {
  values?: FormValues;
  errors?: FieldErrors;
  status?: number;
  preview?: string;
  conflict?: ContentConflict;
};

/** Help and legal pages written by the network administrators, and their editor. */
export async function contentRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const helpContact = (ctx: PageContext) => (
    <HelpContact networkName={ctx.networkName} contact={ctx.contact} />
  );

  const showPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    key: ContentKey,
    extra?: (ctx: PageContext) => ComponentChildren,
  ) => {
    const page = await loadContentPage(deps, key);
    const trail = page.url.startsWith('/aide/') ? [{ href: '/aide', label: 'Aide' }] : [];
    if (key === 'faq' || key === 'faq-bibliotheques') {
      const q = searchOf(request);
      const faq = parseFaq(page.body, q);
      return sendPage(request, reply, {
        title: page.title,
        body: (ctx) => (
          <FaqPage title={page.title} url={page.url} faq={faq} q={q} trail={trail}>
            {extra?.(ctx)}
          </FaqPage>
        ),
      });
    }
    const html = renderMarkdown(page.body);
    return sendPage(request, reply, {
      title: page.title,
      body: (ctx) => (
        <MarkdownPage title={page.title} html={html} trail={trail}>
          {extra?.(ctx)}
        </MarkdownPage>
      ),
    });
  };

  app.get(CONTENT_PAGES.faq.url, (request, reply) => showPage(request, reply, 'faq', helpContact));
  app.get(CONTENT_PAGES['mode-d-emploi'].url, (request, reply) =>
    showPage(request, reply, 'mode-d-emploi', helpContact),
  );
  app.get(CONTENT_PAGES.accessibilite.url, (request, reply) => showPage(request, reply, 'accessibilite'));
  app.get(CONTENT_PAGES['donnees-personnelles'].url, (request, reply) =>
    showPage(request, reply, 'donnees-personnelles'),
  );
  app.get(CONTENT_PAGES['mentions-legales'].url, (request, reply) =>
    showPage(request, reply, 'mentions-legales'),
  );

  const ideasLink = () => (
    <p>
      Pour faire connaître le service : la{' '}
      <a href={CONTENT_PAGES['boite-a-idees'].url}>Boîte à idées numériques</a>.
    </p>
  );
  app.get(CONTENT_PAGES['faq-bibliotheques'].url, async (request, reply) => {
    if (!requireStaff(request, reply)) return reply;
    return showPage(request, reply, 'faq-bibliotheques', ideasLink);
  });
  app.get(CONTENT_PAGES['boite-a-idees'].url, async (request, reply) => {
    if (!requireStaff(request, reply)) return reply;
    return showPage(request, reply, 'boite-a-idees');
  });

  app.get(CONTENT_ADMIN_URL, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const pages = await listContent(deps);
    return sendPage(request, reply, {
      title: 'Pages d’aide et d’information',
      body: () => <ContentListPage pages={pages} />,
    });
  });

  function keyOf(raw: string): ContentKey {
    if (!isContentKey(raw)) throw notFound('Cette page');
    return raw;
  }

  async function editPage(request: FastifyRequest, reply: FastifyReply, key: ContentKey, state: EditState) {
    const editor = await loadContentEditor(deps, key);
    return sendPage(request, reply, {
      title: `Page « ${editor.page.title} »`,
      status: state.status,
      body: (ctx) => <ContentEditPage csrf={ctx.csrf} {...editor} {...state} />,
    });
  }

  app.get<{ Params: { cle: string } }>(`${CONTENT_ADMIN_URL}/:cle`, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    return editPage(request, reply, keyOf(request.params.cle), {});
  });

  app.post<{ Params: { cle: string } }>(`${CONTENT_ADMIN_URL}/:cle`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const key = keyOf(request.params.cle);
    const form = parseForm(contentForm, request.body);
    if (!form.ok)
      return editPage(request, reply, key, { values: form.values, errors: form.errors, status: 400 });
    if (form.data.action === 'apercu')
      return editPage(request, reply, key, { values: form.values, preview: renderMarkdown(form.data.texte) });
    try {
      const { changed, conflict } = await saveContent(deps, actor, {
        key,
        body: form.data.texte,
        version: form.data.version,
      });
      if (conflict)
        return editPage(request, reply, key, {
          values: { ...form.values, version: conflict.version },
          conflict,
          status: 409,
        });
      setFlash(
        reply,
        changed ? 'success' : 'info',
        changed
          ? `Page « ${CONTENT_PAGES[key].title} » enregistrée.`
          : 'Aucune modification : la page est inchangée.',
      );
      return reply.redirect(contentEditUrl(key), 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return editPage(request, reply, key, { values: form.values, errors: error.fieldErrors, status: 400 });
      throw error;
    }
  });

  app.post<{ Params: { cle: string } }>(`${CONTENT_ADMIN_URL}/:cle/retablir`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const key = keyOf(request.params.cle);
    const form = parseForm(restoreForm, request.body);
    if (!form.ok) {
      setFlash(reply, 'error', 'Choisissez la version à rétablir dans la liste des versions.');
      return reply.redirect(contentEditUrl(key), 303);
    }
    const { changed } = await restoreContent(deps, actor, { key, versionId: form.data.version });
    setFlash(
      reply,
      changed ? 'success' : 'info',
      changed ? 'Version rétablie.' : 'Cette version est déjà le texte de la page.',
    );
    return reply.redirect(contentEditUrl(key), 303);
  });
}
