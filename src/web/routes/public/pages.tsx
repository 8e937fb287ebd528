import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { listDirectoryPage } from '../../../usecases/network/library-list.js';
import { loadCatalog } from '../../../usecases/resources/catalog.js';
import type { RouteOptions } from '../../app.js';
import { sendPage } from '../../render.js';
import type { PageContext } from '../../views/layout.js';
import { HelpContact } from '../../views/public/help-contact.js';
import { HomePage } from '../../views/public/home-page.js';
import { DIRECTORY_URL, LibraryDirectoryPage } from '../../views/public/library-directory-page.js';
import { TextPage } from '../../views/public/text-page.js';

/** Pages anyone may read: home, libraries, help and the legal notices of the footer. */
export async function publicPages(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/', async (request, reply) => {
    // What a visitor may open without an account: the free resources ("Ressources libres").
    const free = (await loadCatalog(deps, null)).resources.filter((r) => r.kind === 'open');
    return sendPage(request, reply, {
      title: 'Accueil',
      body: (ctx) => (
        <HomePage
          networkName={ctx.networkName}
          free={free}
          showRegister={ctx.selfRegistration && !ctx.patron && !ctx.actor}
          showLogin={!ctx.patron && !ctx.actor}
        />
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
    sections: Array<[string, string[]]>,
    extra?: (ctx: PageContext) => ComponentChildren,
  ) =>
    app.get(path, async (request, reply) =>
      sendPage(request, reply, {
        title,
        body: (ctx) => (
          <TextPage title={title} sections={sections}>
            {extra?.(ctx)}
          </TextPage>
        ),
      }),
    );

  const helpWithGuide = (ctx: PageContext) => (
    <HelpContact networkName={ctx.networkName} contact={ctx.contact} guide staff={Boolean(ctx.actor)} />
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
    helpWithGuide,
  );

  // The mode d'emploi, FAQ, accessibility statement, privacy notice and legal notice are written
  // by the network administrators: src/web/routes/content/content-pages.tsx.
}
