import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { listDirectoryPage } from '../../../usecases/network/library-list.js';
import { loadCatalog } from '../../../usecases/resources/catalog.js';
import type { RouteOptions } from '../../app.js';
import { sendPage } from '../../render.js';
import { ContactLines, hasContact } from '../../views/components/contact-block.js';
import { Breadcrumb, type PageContext } from '../../views/layout.js';
import { DIRECTORY_URL, LibraryDirectoryPage } from '../../views/public/library-directory-page.js';

/** Pages anyone may read: home, libraries, help and the legal notices of the footer. */
export async function publicPages(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/', async (request, reply) => {
    // What a visitor may open without an account: the free resources ("Ressources libres").
    const free = (await loadCatalog(deps, null)).resources.filter((r) => r.kind === 'open');
    return sendPage(request, reply, {
      title: 'Accueil',
      body: (ctx) => (
        <>
          <h1>{ctx.networkName}</h1>
          <p class="fr-text--lead">
            Films, livres numériques, bandes dessinées, magazines et journaux : la médiathèque numérique est
            offerte aux adhérents des bibliothèques du réseau.
          </p>
          <ul class="fr-btns-group fr-btns-group--inline-md fr-mb-4w">
            {ctx.selfRegistration && !ctx.patron && !ctx.actor && (
              <li>
                <a class="fr-btn" href="/inscription">
                  S’inscrire
                </a>
              </li>
            )}
            {!ctx.patron && !ctx.actor && (
              <li>
                <a class="fr-btn fr-btn--secondary" href="/connexion">
                  Se connecter
                </a>
              </li>
            )}
            <li>
              <a class="fr-btn fr-btn--tertiary" href="/aide">
                Aide
              </a>
            </li>
          </ul>
          <section class="fr-mb-4w" aria-labelledby="ressources-libres">
            <h2 id="ressources-libres">Ressources libres, sans inscription</h2>
            {free.length === 0 ? (
              <p>Aucune ressource libre n’est proposée pour le moment.</p>
            ) : (
              <>
                <p>
                  Ces ressources sont ouvertes à tous les visiteurs et ne sont pas décomptées d’un forfait.
                </p>
                <ul>
                  {free.map((r) => (
                    <li>
                      <strong>{r.name}</strong> ({r.provider}){r.description ? ` : ${r.description}` : ''}
                    </li>
                  ))}
                </ul>
                <p>
                  <a href="/ressources">Voir et ouvrir les ressources libres</a>
                </p>
              </>
            )}
          </section>
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-6">
              <div class="fr-card">
                <div class="fr-card__body">
                  <div class="fr-card__content">
                    <h2 class="fr-card__title">
                      <a href="/bibliotheques">Trouver ma bibliothèque</a>
                    </h2>
                    <p class="fr-card__desc">
                      Pour accéder aux ressources, il faut être adhérent de l’une des bibliothèques du réseau.
                    </p>
                  </div>
                </div>
              </div>
            </div>
            <div class="fr-col-12 fr-col-md-6">
              <div class="fr-card">
                <div class="fr-card__body">
                  <div class="fr-card__content">
                    <h2 class="fr-card__title">
                      <a href="/aide">Comment ça marche ?</a>
                    </h2>
                    <p class="fr-card__desc">
                      Inscription, validation par votre bibliothèque, quotas mensuels.
                    </p>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </>
      ),
    });
  });

  app.get(DIRECTORY_URL, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const q = String(query.q ?? '')
      .trim()
      .slice(0, 100);
    const page = Number.parseInt(String(query.page ?? '1'), 10);
    const list = await listDirectoryPage(deps, { q, page: Number.isFinite(page) ? page : 1 });
    return sendPage(request, reply, {
      title: 'Bibliothèques du réseau',
      body: () => <LibraryDirectoryPage q={q} list={list} />,
    });
  });

  const textPage = (
    path: string,
    title: string,
    paragraphs: Array<[string, string[]]>,
    extra?: (ctx: PageContext) => ComponentChildren,
  ) =>
    app.get(path, async (request, reply) =>
      sendPage(request, reply, {
        title,
        body: (ctx) => (
          <div class="fr-grid-row">
            <div class="fr-col-12 fr-col-md-9">
              <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: title }]} />
              <h1>{title}</h1>
              {paragraphs.map(([heading, texts]) => (
                <section class="fr-mb-4w">
                  <h2>{heading}</h2>
                  {texts.map((t) => (
                    <p>{t}</p>
                  ))}
                </section>
              ))}
              {extra?.(ctx)}
            </div>
          </div>
        ),
      }),
    );

  const helpContact = (ctx: PageContext) => (
    <section class="fr-mb-4w" aria-labelledby="nous-contacter">
      <h2 id="nous-contacter">Un souci ? Une question ?</h2>
      <p>
        Pour une question sur votre inscription, adressez-vous d’abord à votre bibliothèque (
        <a href="/bibliotheques">liste des bibliothèques du réseau</a>). Pour un problème technique, vous
        pouvez nous écrire par <a href="/aide/contact">ce formulaire</a>.
      </p>
      {hasContact(ctx.contact) && (
        <div class="fr-callout">
          <p class="fr-callout__title">{ctx.networkName}</p>
          <ContactLines contact={ctx.contact} />
        </div>
      )}
    </section>
  );

  textPage(
    '/aide',
    'Aide',
    [
      [
        'Qui peut utiliser la médiathèque numérique ?',
        [
          'Toute personne adhérente de l’une des bibliothèques du réseau. Votre bibliothèque valide votre demande d’accès : elle vérifie que vous êtes un emprunteur actif et votre date de naissance, qui détermine les contenus consultables.',
        ],
      ],
      [
        'Les trois types de contenus',
        [
          'Les ressources libres sont accessibles à tous, sans inscription.',
          'Les contenus en Accès libre (illimités) sont ouverts dès la confirmation de votre inscription, avec un compte temporaire.',
          'Les contenus au Forfait (films, livres numériques, BD, presse) sont soumis à des quotas mensuels, renouvelés le 1er de chaque mois, une fois votre inscription validée.',
        ],
      ],
      [
        'Bibliothèques : se connecter',
        [
          'Votre identifiant vous a été communiqué par l’administration du réseau. À la première connexion, suivez le lien « Définissez votre mot de passe » reçu par courriel, ou utilisez « Mot de passe oublié ».',
        ],
      ],
    ],
    helpContact,
  );

  textPage('/accessibilite', 'Déclaration d’accessibilité', [
    [
      'État de conformité',
      [
        'Ce service vise la conformité au référentiel général d’amélioration de l’accessibilité (RGAA 4.1) et aux règles WCAG 2.1 niveau AA. Il est partiellement conforme : l’audit complet n’a pas encore été réalisé.',
        'Chaque page est vérifiée automatiquement à chaque version, et toutes les fonctions sont utilisables au clavier et sans JavaScript.',
      ],
    ],
    [
      'Retour d’information et contact',
      [
        'Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez votre bibliothèque ou l’administration du réseau pour être orienté vers une alternative accessible.',
      ],
    ],
    [
      'Voies de recours',
      [
        'Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu et que vous n’obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits.',
      ],
    ],
  ]);

  textPage('/mentions-legales', 'Mentions légales', [
    [
      'Éditeur',
      [
        'Ce service est édité par le réseau des bibliothèques qui le met à disposition de ses adhérents. Les coordonnées de l’éditeur sont celles de l’administration du réseau.',
      ],
    ],
    [
      'Hébergement',
      ['Les données sont hébergées en France, sur les serveurs choisis par l’éditeur du service.'],
    ],
  ]);

  textPage('/donnees-personnelles', 'Données personnelles', [
    [
      'Données collectées',
      [
        'Pour vous inscrire, nous collectons vos nom, prénom, date de naissance, adresse électronique, identifiant et bibliothèque de proximité. Votre date de naissance sert uniquement à déterminer les contenus consultables.',
      ],
    ],
    [
      'Durée de conservation',
      [
        'Une demande non confirmée est supprimée à l’expiration du lien de confirmation. Les données d’un abonnement non renouvelé ne sont pas conservées plus d’un an : elles sont ensuite anonymisées, seules des statistiques sans lien avec vous sont gardées.',
      ],
    ],
    [
      'Vos droits',
      [
        'Vous pouvez consulter, télécharger, corriger ou supprimer vos données depuis votre compte ou en vous adressant à votre bibliothèque, conformément au règlement général sur la protection des données (RGPD).',
      ],
    ],
  ]);
}
