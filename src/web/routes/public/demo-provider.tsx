import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDateTime } from '../../../domain/paris.js';
import {
  checkDemoSignedLink,
  checkDemoSsoLogin,
  type DemoHandOff,
} from '../../../usecases/resources/demo-provider.js';
import type { RouteOptions } from '../../app.js';
import { sendPage } from '../../render.js';

/** The demonstration provider's pages (GET /fournisseur-demo/…), reached only through Sésame. */

const MN_FIELD_NAMES: Record<string, string> = {
  email: 'Courriel',
  nom: 'Nom',
  prenom: 'Prénom',
  dnaiss: 'Date de naissance',
};

export function openUrl(resourceId: string, document: string): string {
  return `/ressources/${resourceId}/ouvrir?document=${encodeURIComponent(document)}`;
}

function DemoPage({ handOff }: { handOff: DemoHandOff }) {
  const { resource, document } = handOff;
  const title = resource.documents.find((d) => d.id === document)?.title;
  const personal = Object.entries(handOff.personal);
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10">
        <div class="fr-notice fr-notice--info fr-mb-4w">
          <div class="fr-container">
            <div class="fr-notice__body">
              <p class="fr-notice__title">
                Fournisseur de démonstration : cette page remplace le site de « {resource.provider} ».
              </p>
            </div>
          </div>
        </div>
        <p class="fr-text--sm fr-mb-1w">{resource.provider}</p>
        <h1>{document ? (title ?? `Document ${document}`) : resource.name}</h1>
        {document ? (
          <div class="fr-callout fr-mb-4w">
            <h2 class="fr-callout__title">Lecture en cours</h2>
            <p class="fr-callout__text">
              Le document « {title ?? document} » de « {resource.name} » s’ouvrirait ici chez le fournisseur.
            </p>
          </div>
        ) : (
          <section class="fr-mb-4w" aria-labelledby="documents-titre">
            <h2 id="documents-titre">Documents proposés</h2>
            {resource.documents.length === 0 ? (
              <p>Ce fournisseur de démonstration ne propose aucun document pour le moment.</p>
            ) : (
              <ul>
                {resource.documents.map((d) => (
                  <li>
                    <a href={openUrl(resource.id, d.id)}>{d.title}</a>
                  </li>
                ))}
              </ul>
            )}
            <p class="fr-text--sm">
              Chaque document s’ouvre en repassant par Sésame, qui vérifie vos droits et compte vos quotas.
            </p>
          </section>
        )}
        <section class="fr-mb-4w" aria-labelledby="transmis-titre">
          <h2 id="transmis-titre" class="fr-h4">
            Ce que Sésame a transmis au fournisseur
          </h2>
          <ul>
            <li>
              {handOff.connector === 'signed_link'
                ? 'Un lien signé (HMAC-SHA256), vérifié par le fournisseur.'
                : 'Un lien au format Médiathèque Numérique (sso_login), vérifié par le fournisseur.'}
            </li>
            <li>
              Votre pseudonyme chez ce fournisseur : <code>{handOff.user}</code>
            </li>
            {handOff.expiresAt && <li>Lien valable jusqu’au {formatDateTime(handOff.expiresAt)}</li>}
            {personal.length === 0 ? (
              <li>Aucune donnée personnelle : ni votre nom, ni votre adresse électronique.</li>
            ) : (
              personal.map(([k, v]) => (
                <li>
                  {MN_FIELD_NAMES[k] ?? k} : {v}
                </li>
              ))
            )}
          </ul>
        </section>
        <p>
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/ressources">
            Revenir au catalogue
          </a>
        </p>
      </div>
    </div>
  );
}

export async function demoProviderRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const query = (request: FastifyRequest) => new URLSearchParams(request.url.split('?')[1] ?? '');
  const show = (request: FastifyRequest, reply: FastifyReply, handOff: DemoHandOff) =>
    sendPage(request, reply, {
      title: /\(démonstration\)\s*$/.test(handOff.resource.provider)
        ? handOff.resource.provider
        : `${handOff.resource.provider} (démonstration)`,
      body: () => <DemoPage handOff={handOff} />,
    });

  app.get('/fournisseur-demo/sso_login', async (request, reply) =>
    show(request, reply, await checkDemoSsoLogin(deps, query(request))),
  );

  app.get<{ Params: { resourceId: string; document?: string } }>(
    '/fournisseur-demo/:resourceId/:document',
    async (request, reply) =>
      show(
        request,
        reply,
        await checkDemoSignedLink(deps, {
          resourceId: request.params.resourceId,
          document: request.params.document ?? '',
          query: query(request),
        }),
      ),
  );

  app.get<{ Params: { resourceId: string } }>('/fournisseur-demo/:resourceId', async (request, reply) =>
    show(
      request,
      reply,
      await checkDemoSignedLink(deps, {
        resourceId: request.params.resourceId,
        document: '',
        query: query(request),
      }),
    ),
  );
}
