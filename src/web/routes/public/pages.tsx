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

  const helpContact = (ctx: PageContext) => (
    <HelpContact networkName={ctx.networkName} contact={ctx.contact} />
  );
  const helpWithGuide = (ctx: PageContext) => (
    <HelpContact networkName={ctx.networkName} contact={ctx.contact} guide />
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

  // The "mode d'emploi" the acceptance e-mail points to: the patron's way through, step by step.
  textPage(
    '/aide/mode-d-emploi',
    'Mode d’emploi',
    [
      [
        '1. Demander votre accès',
        [
          'Vous devez être adhérent de l’une des bibliothèques du réseau. Remplissez le formulaire « S’inscrire » (nom, prénom, date de naissance, numéro de carte si vous l’avez, bibliothèque, adresse électronique, identifiant et mot de passe), ou demandez à votre bibliothèque de vous inscrire.',
          'Vous recevez un courriel : cliquez sur le lien qu’il contient pour confirmer votre adresse. Sans confirmation, la demande est abandonnée après quelques jours.',
        ],
      ],
      [
        '2. La validation par votre bibliothèque',
        [
          'Une fois votre adresse confirmée, votre compte est temporaire : les contenus en Accès libre sont déjà ouverts. Votre bibliothèque vérifie que vous êtes un emprunteur actif et votre date de naissance, puis valide votre inscription ; vous en êtes averti par courriel.',
        ],
      ],
      [
        '3. Consulter les ressources',
        [
          'Connectez-vous avec votre identifiant (ou votre adresse électronique) et votre mot de passe, puis ouvrez « Ressources ». Les ressources libres sont ouvertes à tous ; l’Accès libre est illimité ; le Forfait (films, livres numériques, BD, presse) compte chaque mois un nombre de documents par catégorie, remis à zéro le 1er du mois. Rouvrir le même document dans le mois ne le compte pas deux fois.',
          'Avant d’utiliser le dernier document du mois, ou quand vous arrivez d’un autre site, Sésame vous demande de confirmer.',
        ],
      ],
      [
        '4. Mon compte',
        [
          '« Mon compte » montre l’état de votre abonnement, vos consultations du mois, vos messages, et permet de changer d’adresse électronique ou de mot de passe, de télécharger vos données ou de supprimer votre compte.',
          'Mot de passe oublié ? Utilisez le lien « Mot de passe oublié » de la page de connexion : un lien pour en choisir un nouveau vous est envoyé.',
        ],
      ],
      [
        '5. Renouveler votre abonnement',
        [
          'L’abonnement dure un an. Un courriel vous prévient avant son terme : selon le réseau, vous demandez le renouvellement depuis « Mon compte » ou vous vous présentez à votre bibliothèque.',
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
