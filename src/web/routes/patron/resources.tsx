import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceRow } from '../../../db/repositories/resources.js';
import { type RefusalCode, ResourceRefusal } from '../../../domain/resource-access.js';
import {
  AUDIENCE_LABELS,
  CATEGORY_LABELS,
  KIND_BADGES,
  KIND_DESCRIPTIONS,
  KIND_LABELS,
  KIND_SECTION_TITLES,
  QUOTA_CATEGORIES,
  RESOURCE_KINDS,
  type ResourceKind,
} from '../../../domain/resources.js';
import { type CatalogView, loadCatalog } from '../../../usecases/resources/catalog.js';
import { openDocument } from '../../../usecases/resources/open-document.js';
import { openingConfirmation } from '../../../usecases/resources/opening-confirmation.js';
import type { RouteOptions } from '../../app.js';
import { sendPage } from '../../render.js';
import { Breadcrumb } from '../../views/layout.js';
import { OpeningConfirmationPage } from '../../views/resources/opening-confirmation.js';

/**
 * The patron's catalog (/ressources), the under-12 space (/ressources/jeunesse) and the opening
 * of a document (/ressources/:id/ouvrir?document=…), which redirects to the provider or says
 * in French why not, with the next step.
 */

export const CATALOG_URL = '/ressources';
export const YOUTH_URL = '/ressources/jeunesse';

export function openHref(resourceId: string, document?: string, lastUnit = false): string {
  const base = `/ressources/${resourceId}/ouvrir`;
  if (!document) return base;
  // The month's last unit: the opening asks first (openingConfirmation).
  return `${base}?document=${encodeURIComponent(document)}${lastUnit ? '&confirmer=1' : ''}`;
}

/**
 * A local path to go to after login, made to ask before counting when it opens a document:
 * the login page's own redirect is same-origin, whoever wrote the link that led to it.
 */
export function askingBeforeOpening(path: string): string {
  if (!/^\/ressources\/[^/?#]+\/ouvrir\?/.test(path) || /[?&]confirmer=1(?:&|#|$)/.test(path)) return path;
  const hash = path.indexOf('#');
  return hash < 0 ? `${path}&confirmer=1` : `${path.slice(0, hash)}&confirmer=1${path.slice(hash)}`;
}

const SECTION_IDS: Record<ResourceKind, string> = {
  open: 'ressources-libres',
  unlimited: 'acces-libre',
  quota: 'forfait',
};

function KindBadge({ kind }: { kind: ResourceKind }) {
  return <p class={`fr-badge fr-badge--sm fr-badge--no-icon ${KIND_BADGES[kind]}`}>{KIND_LABELS[kind]}</p>;
}

function ResourceCard({
  resource,
  headingLevel,
  lastUnit = false,
}: {
  resource: ResourceRow;
  headingLevel: 3 | 4;
  lastUnit?: boolean;
}) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div class="fr-col-12 fr-col-md-6">
      <div class="fr-card fr-card--no-arrow">
        <div class="fr-card__body">
          <div class="fr-card__content">
            <Heading class="fr-card__title">{resource.name}</Heading>
            <p class="fr-card__desc">{resource.description}</p>
            <div class="fr-card__start">
              <ul class="fr-badges-group">
                <li>
                  <KindBadge kind={resource.kind} />
                </li>
                {resource.category && (
                  <li>
                    <p class="fr-badge fr-badge--sm fr-badge--no-icon">
                      {CATEGORY_LABELS[resource.category]}
                    </p>
                  </li>
                )}
                {resource.audience !== 'all' && (
                  <li>
                    <p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--warning">
                      {AUDIENCE_LABELS[resource.audience]}
                    </p>
                  </li>
                )}
              </ul>
              <p class="fr-card__detail">{resource.provider}</p>
            </div>
            {resource.documents.length > 0 && (
              <ul class="fr-mt-2w">
                {resource.documents.map((d) => (
                  <li>
                    <a href={openHref(resource.id, d.id, lastUnit)}>
                      {d.title}
                      <span class="fr-sr-only"> — ouvrir dans {resource.name}</span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div class="fr-card__footer">
            <ul class="fr-btns-group fr-btns-group--inline-reverse fr-btns-group--inline-lg">
              <li>
                <a class="fr-btn fr-btn--secondary" href={openHref(resource.id)}>
                  Accéder au service<span class="fr-sr-only"> {resource.name}</span>
                </a>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </div>
  );
}

function StandingNotice({ view }: { view: CatalogView }) {
  switch (view.standing) {
    case 'anonymous':
      return (
        <div class="fr-callout fr-mb-4w">
          <h2 class="fr-callout__title">Adhérent d’une bibliothèque du réseau ?</h2>
          <p class="fr-callout__text">
            Les ressources libres sont ouvertes à tous. Inscrivez-vous pour consulter aussi les contenus en{' '}
            <strong>Accès libre</strong> et, une fois votre inscription validée par votre bibliothèque, ceux
            du <strong>Forfait</strong> : films, livres numériques, BD, magazines et presse.
          </p>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href="/inscription">
                S’inscrire
              </a>
            </li>
            <li>
              <a
                class="fr-btn fr-btn--secondary"
                href={`/connexion?suite=${encodeURIComponent(CATALOG_URL)}`}
              >
                Se connecter
              </a>
            </li>
          </ul>
        </div>
      );
    case 'temporary':
      return (
        <div class="fr-alert fr-alert--info fr-mb-4w">
          <h2 class="fr-alert__title">Compte temporaire</h2>
          <p>
            Vous pouvez consulter les ressources libres et les contenus en Accès libre. Les contenus du
            Forfait seront ouverts dès que votre bibliothèque aura validé votre inscription.
          </p>
        </div>
      );
    case 'temporary_ended':
      return (
        <div class="fr-alert fr-alert--warning fr-mb-4w">
          <h2 class="fr-alert__title">Compte temporaire terminé</h2>
          <p>
            Votre bibliothèque n’a pas encore validé votre inscription : seules les ressources libres restent
            consultables en attendant. <a href="/mon-compte">Voir mon compte</a>
          </p>
        </div>
      );
    case 'expired':
      return (
        <div class="fr-alert fr-alert--warning fr-mb-4w">
          <h2 class="fr-alert__title">Abonnement expiré</h2>
          <p>
            Seules les ressources libres restent consultables.{' '}
            <a href="/mon-compte">Demander le renouvellement</a>
          </p>
        </div>
      );
    case 'refused':
    case 'closed':
      return (
        <div class="fr-alert fr-alert--info fr-mb-4w">
          <h2 class="fr-alert__title">Ressources libres seulement</h2>
          <p>Votre compte ne donne accès qu’aux ressources libres, ouvertes à tous.</p>
        </div>
      );
    default:
      return null;
  }
}

function QuotaLine({ view }: { view: CatalogView }) {
  if (!view.quotas) return null;
  return (
    <p class="fr-text--sm">
      Restant ce mois-ci :{' '}
      {view.quotas
        .map((q) => `${CATEGORY_LABELS[q.category]} ${Math.max(0, q.limit - q.used)} sur ${q.limit}`)
        .join(' · ')}
      . <a href="/mon-compte#quotas">Mes quotas</a>
    </p>
  );
}

function CatalogSections({ view, resources }: { view: CatalogView; resources: ResourceRow[] }) {
  const kinds = RESOURCE_KINDS.filter(
    (k) => resources.some((r) => r.kind === k) || view.lockedKinds.includes(k),
  );
  if (kinds.length === 0) return <p>Aucune ressource n’est proposée ici pour le moment.</p>;
  return (
    <>
      {kinds.map((kind) => {
        const list = resources.filter((r) => r.kind === kind);
        return (
          <section class="fr-mb-6w" id={SECTION_IDS[kind]} aria-labelledby={`${SECTION_IDS[kind]}-titre`}>
            <h2 id={`${SECTION_IDS[kind]}-titre`}>
              {KIND_SECTION_TITLES[kind]} <KindBadge kind={kind} />
            </h2>
            <p>{KIND_DESCRIPTIONS[kind]}</p>
            {list.length === 0 ? (
              <p class="fr-text--sm">
                {view.standing === 'anonymous'
                  ? 'Connectez-vous pour voir ces ressources.'
                  : 'Votre compte ne donne pas encore accès à ces ressources.'}
              </p>
            ) : kind === 'quota' ? (
              <>
                <QuotaLine view={view} />
                {QUOTA_CATEGORIES.filter((c) => list.some((r) => r.category === c)).map((category) => (
                  <>
                    <h3 class="fr-mt-4w">{CATEGORY_LABELS[category]}</h3>
                    <div class="fr-grid-row fr-grid-row--gutters">
                      {list
                        .filter((r) => r.category === category)
                        .map((r) => (
                          <ResourceCard
                            resource={r}
                            headingLevel={4}
                            lastUnit={view.quotas?.some(
                              (q) => q.category === category && q.used + 1 === q.limit,
                            )}
                          />
                        ))}
                    </div>
                  </>
                ))}
              </>
            ) : (
              <div class="fr-grid-row fr-grid-row--gutters">
                {list.map((r) => (
                  <ResourceCard resource={r} headingLevel={3} />
                ))}
              </div>
            )}
          </section>
        );
      })}
    </>
  );
}

/** Where a refusal leads next: what the person can do about it. */
function nextSteps(code: RefusalCode, here: string): Array<{ href: string; label: string }> {
  const catalog = { href: CATALOG_URL, label: 'Retour au catalogue' };
  switch (code) {
    case 'login_required':
    case 'age_unknown':
      return [
        { href: `/connexion?suite=${encodeURIComponent(here)}`, label: 'Se connecter' },
        { href: '/inscription', label: 'S’inscrire' },
        catalog,
      ];
    case 'temporary_account':
    case 'temporary_ended':
      return [
        { href: '/mon-compte', label: 'Voir mon compte' },
        { href: `${CATALOG_URL}#acces-libre`, label: 'Contenus en Accès libre' },
      ];
    case 'subscription_expired':
      return [{ href: '/mon-compte', label: 'Renouveler mon abonnement' }, catalog];
    case 'registration_refused':
      return [{ href: '/mon-compte', label: 'Voir mon compte' }, catalog];
    case 'quota_reached':
      return [
        { href: '/mon-compte#quotas', label: 'Voir mes quotas' },
        { href: `${CATALOG_URL}#acces-libre`, label: 'Contenus en Accès libre, sans quota' },
      ];
    case 'not_subscribed':
    case 'right_withdrawn':
      return [catalog, { href: '/bibliotheques', label: 'Contacter ma bibliothèque' }];
    default:
      return [catalog];
  }
}

const REFUSAL_TITLES: Partial<Record<RefusalCode, string>> = {
  resource_unknown: 'Ressource introuvable',
  document_unknown: 'Document introuvable',
  document_invalid: 'Document incorrect',
  quota_reached: 'Quota du mois atteint',
  cap_reached: 'Ressource momentanément fermée',
  age_restricted: 'Contenu réservé',
  age_unknown: 'Contenu réservé',
  subscription_expired: 'Abonnement expiré',
};

function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: ResourceRefusal, now: Date) {
  if (refusal.retryAt)
    reply.header(
      'retry-after',
      String(Math.max(1, Math.ceil((refusal.retryAt.getTime() - now.getTime()) / 1000))),
    );
  const title = REFUSAL_TITLES[refusal.code] ?? 'Accès refusé';
  return sendPage(request, reply, {
    title,
    status: refusal.status,
    body: () => (
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <Breadcrumb
            items={[
              { href: '/', label: 'Accueil' },
              { href: CATALOG_URL, label: 'Ressources' },
              { label: title },
            ]}
          />
          <h1>{title}</h1>
          <div
            class={`fr-alert ${refusal.status === 429 ? 'fr-alert--warning' : 'fr-alert--error'} fr-mb-4w`}
          >
            <p data-refus={refusal.code}>{refusal.message}</p>
          </div>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            {nextSteps(refusal.code, request.url).map((s, i) => (
              <li>
                <a class={`fr-btn${i === 0 ? '' : ' fr-btn--secondary'}`} href={s.href}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    ),
  });
}

export async function resourceRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get<{ Querystring: { tout?: string } }>(CATALOG_URL, async (request, reply) => {
    const view = await loadCatalog(deps, request.patron);
    // Under-12 patrons land on their space; the whole catalog (what their age allows) stays one link away.
    if (view.underTwelve && request.query.tout !== '1') return reply.redirect(YOUTH_URL, 303);
    return sendPage(request, reply, {
      title: 'Ressources numériques',
      body: () => (
        <>
          <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Ressources' }]} />
          <h1>Ressources numériques</h1>
          <StandingNotice view={view} />
          <p>
            <a class="fr-link" href={YOUTH_URL}>
              Espace jeunesse (moins de 12 ans)
            </a>
          </p>
          <CatalogSections view={view} resources={view.resources} />
        </>
      ),
    });
  });

  app.get(YOUTH_URL, async (request, reply) => {
    const view = await loadCatalog(deps, request.patron);
    const resources = view.resources.filter((r) => r.underTwelve);
    return sendPage(request, reply, {
      title: 'Espace jeunesse',
      body: () => (
        <>
          <Breadcrumb
            items={[
              { href: '/', label: 'Accueil' },
              { href: `${CATALOG_URL}?tout=1`, label: 'Ressources' },
              { label: 'Espace jeunesse' },
            ]}
          />
          <h1>Espace jeunesse</h1>
          <p class="fr-text--lead">Histoires, jeux et films choisis pour les moins de 12 ans.</p>
          <StandingNotice view={view} />
          <CatalogSections view={{ ...view, lockedKinds: [] }} resources={resources} />
          <p>
            <a class="fr-link" href={`${CATALOG_URL}?tout=1`}>
              Voir tout le catalogue
            </a>
          </p>
        </>
      ),
    });
  });

  // A GET that counts: no HEAD twin, so link checkers and previews never use a quota. A click
  // from another site, or on the month's last unit, is asked first (see openingConfirmation).
  app.get<{
    Params: { id: string };
    Querystring: { document?: string | string[]; confirmer?: string };
  }>('/ressources/:id/ouvrir', { exposeHeadRoute: false }, async (request, reply) => {
    const raw = request.query.document;
    const document = Array.isArray(raw) ? '\u0000' : raw;
    const fromOutside = cameFromOutside(request, deps.config.baseUrl);
    if (request.patron && (fromOutside || request.query.confirmer === '1')) {
      const question = await openingConfirmation(deps, request.patron, {
        resourceId: request.params.id,
        document,
        fromOutside,
        requested: request.query.confirmer === '1',
      });
      if (question)
        return sendPage(request, reply.header('cache-control', 'no-store'), {
          title: 'Confirmer l’ouverture',
          body: (ctx) => (
            <OpeningConfirmationPage
              question={question}
              fromOutside={fromOutside}
              csrf={ctx.csrf}
              action={openHref(question.resourceId)}
              catalogUrl={CATALOG_URL}
            />
          ),
        });
    }
    return open(request, reply, document);
  });

  // The confirmation's button (CSRF-checked like every POST).
  app.post<{ Params: { id: string } }>('/ressources/:id/ouvrir', async (request, reply) => {
    // Absent: the resource's home page, as the GET without a document; anything but one string
    // (a forged array) is no document at all.
    const raw = (request.body as Record<string, unknown> | undefined)?.document;
    return open(request, reply, raw === undefined || typeof raw === 'string' ? raw : '\u0000');
  });

  async function open(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    document?: string,
  ) {
    try {
      const out = await openDocument(deps, request.patron, { resourceId: request.params.id, document });
      return reply.header('cache-control', 'no-store').redirect(out.url, 303);
    } catch (e) {
      if (e instanceof ResourceRefusal) return sendRefusal(request, reply, e, deps.clock.now());
      throw e;
    }
  }
}

/**
 * Whether the browser says the click came from another site (or a bookmark, or an e-mail):
 * Sec-Fetch-Site, which every current browser sends, else the Referer's origin. Our own pages
 * send no Referer (Referrer-Policy: no-referrer), so an older browser is asked every time.
 */
function cameFromOutside(request: FastifyRequest, baseUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin';
  const referer = request.headers.referer;
  if (!referer) return true;
  try {
    return new URL(referer).origin !== new URL(baseUrl).origin;
  } catch {
    return true;
  }
}
