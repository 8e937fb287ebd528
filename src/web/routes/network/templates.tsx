import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getNetwork } from '../../../db/repositories/network.js';
import { findResponseTemplate, listResponseTemplates } from '../../../db/repositories/response-templates.js';
import { BODY_MAX, SUBJECT_MAX } from '../../../domain/decision-rules.js';
import { DomainError, notFound, ValidationError } from '../../../domain/errors.js';
import { formatDateTime } from '../../../domain/paris.js';
import { frenchDay, subscriptionEnd } from '../../../domain/patron-lifecycle.js';
import {
  DEFAULT_TEMPLATES,
  fillTemplate,
  isTemplateKey,
  type ResponseTemplate,
  type TemplateKey,
} from '../../../domain/response-templates.js';
import {
  resetResponseTemplate,
  saveResponseTemplate,
  templateVersion,
} from '../../../usecases/network/save-response-template.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  TextArea,
  TextInput,
} from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';

const LIST_URL = '/admin/modeles';
const editUrl = (key: string) => `${LIST_URL}/${key}`;

/** Made-up patron for the preview. */
export const SAMPLE = { firstName: 'Zoé', lastName: 'N’Diaye-Lefèvre', identifier: 'zoe.ndiaye' };

const USE: Record<ResponseTemplate['kind'], Record<ResponseTemplate['decision'], string>> = {
  registration: { accepted: 'Inscription acceptée', refused: 'Inscription refusée' },
  renewal: { accepted: 'Réinscription acceptée', refused: 'Réinscription refusée' },
};

const templateForm = z.object({
  objet: z.string().max(10_000).optional().default(''),
  texte: z.string().max(200_000).optional().default(''),
  version: z.string().max(100).optional(),
  action: z.enum(['apercu', 'enregistrer']).catch('enregistrer'),
});

function Preview({ subject, body, endDate }: { subject: string; body: string; endDate: string }) {
  const lines = body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    <section class="fr-mt-6w" aria-labelledby="apercu-titre">
      <h2 id="apercu-titre">Aperçu</h2>
      <p class="fr-hint-text">
        Avec des données d’exemple : {SAMPLE.firstName} {SAMPLE.lastName}, identifiant {SAMPLE.identifier},
        abonnement jusqu’au {endDate}.
      </p>
      <div class="fr-p-3w fr-background-alt--grey">
        <p>
          <strong>Objet : </strong>
          {subject}
        </p>
        {lines.map((l) => (
          <p class="fr-mb-1w">{l}</p>
        ))}
      </div>
    </section>
  );
}

export async function templateRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(LIST_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const templates = await listResponseTemplates(deps.db);
    return sendPage(request, reply, {
      title: 'Modèles de réponse',
      body: () => (
        <>
          <Breadcrumb
            items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Modèles de réponse' }]}
          />
          <h1>Modèles de réponse</h1>
          <p>
            Ces textes préremplissent la « Réponse à l’utilisateur » quand une bibliothèque accepte ou refuse
            une demande. Elle peut encore les modifier avant l’envoi. Balises remplacées pour chaque usager :
            [prenom], [nom_destinataire], [actif-jusquau] (date de fin d’abonnement), [identifiant], ainsi que
            [reseau] (nom du réseau).
          </p>
          <DsfrTable class="fr-table--no-caption-mobile">
            <table>
              <caption>Modèles de réponse aux demandes</caption>
              <thead>
                <tr>
                  <th scope="col">Modèle</th>
                  <th scope="col">Utilisé pour</th>
                  <th scope="col">Objet</th>
                  <th scope="col">Texte</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {templates.map((t) => (
                  <tr>
                    <th scope="row">{t.label}</th>
                    <td>{USE[t.kind][t.decision]}</td>
                    <td>{t.subject}</td>
                    <td>
                      {t.customised && t.updatedAt
                        ? `Modifié par ${t.updatedBy} le ${formatDateTime(t.updatedAt)}`
                        : 'Texte d’origine'}
                    </td>
                    <td>
                      <a
                        class="fr-link"
                        href={editUrl(t.key)}
                        aria-label={`Modifier le modèle « ${t.label} »`}
                      >
                        Modifier
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </DsfrTable>
        </>
      ),
    });
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: TemplateKey,
    state: { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string },
  ) {
    const template = await findResponseTemplate(deps.db, key);
    const network = await getNetwork(deps.db);
    const now = deps.clock.now();
    const values = state.values ?? { objet: template.subject, texte: template.body };
    const endDate = frenchDay(subscriptionEnd(now, now, network.settings));
    const sample = { ...SAMPLE, activeUntil: endDate, networkName: network.name };
    return sendPage(request, reply, {
      title: `Modèle « ${template.label} »`,
      status: state.status,
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[
              { href: '/admin', label: 'Tableau de bord' },
              { href: LIST_URL, label: 'Modèles de réponse' },
              { label: template.label },
            ]}
          />
          <h1>Modèle « {template.label} »</h1>
          <p>
            {USE[template.kind][template.decision]}.{' '}
            {template.customised && template.updatedAt
              ? `Texte modifié par ${template.updatedBy} le ${formatDateTime(template.updatedAt)}.`
              : 'Texte d’origine.'}
          </p>
          {state.notice && (
            <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
              <p>{state.notice}</p>
            </div>
          )}
          <ErrorSummary errors={state.errors} labels={{ objet: 'Objet', texte: 'Texte' }} />
          <Form action={editUrl(key)} csrf={ctx.csrf}>
            <input type="hidden" name="version" value={templateVersion(template)} />
            <TextInput
              name="objet"
              label="Objet"
              values={values}
              errors={state.errors}
              maxLength={SUBJECT_MAX}
              required
            />
            <TextArea
              name="texte"
              label="Texte"
              hint={
                <>
                  Balises remplacées pour chaque usager : [prenom], [nom_destinataire], [actif-jusquau] (date
                  de fin d’abonnement), [identifiant] et [reseau] (nom du réseau). Chaque ligne devient un
                  paragraphe du courriel. {BODY_MAX.toLocaleString('fr-FR')} caractères au plus.
                </>
              }
              rows={20}
              values={values}
              errors={state.errors}
              required
            />
            <ul class="fr-btns-group fr-btns-group--inline-md">
              <li>
                <button type="submit" name="action" value="enregistrer" class="fr-btn">
                  Enregistrer le modèle
                </button>
              </li>
              <li>
                <button type="submit" name="action" value="apercu" class="fr-btn fr-btn--secondary">
                  Prévisualiser sans enregistrer
                </button>
              </li>
            </ul>
          </Form>
          {template.customised && (
            <Form action={`${editUrl(key)}/retablir`} csrf={ctx.csrf} class="fr-mt-2w">
              <button type="submit" class="fr-btn fr-btn--tertiary">
                Rétablir le texte d’origine
              </button>
            </Form>
          )}
          <Preview
            subject={fillTemplate(values.objet ?? '', sample)}
            body={fillTemplate(values.texte ?? '', sample)}
            endDate={endDate}
          />
        </>
      ),
    });
  }

  function keyOf(raw: string): TemplateKey {
    if (!isTemplateKey(raw)) throw notFound('Ce modèle');
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
          ? `Modèle « ${DEFAULT_TEMPLATES[key].label} » enregistré : il servira aux prochaines décisions.`
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
