import type { ComponentChildren } from 'preact';
import type { PatronActor, StaffActor } from '../../domain/actor.js';
import { ASSETS } from '../assets.js';
import { ContactLines, hasContact, type NetworkContact } from './components/contact-block.js';

/** What every page needs from the request, given by the route to the layout. */
export interface PageContext {
  networkName: string;
  actor: StaffActor | null;
  patron: PatronActor | null;
  /** The network lets visitors register online: the menu offers it. */
  selfRegistration: boolean;
  csrf: string;
  path: string;
  flash?: { kind: 'success' | 'info' | 'error'; message: string } | null;
  /** Staff: unread threads of their "Messages" inbox, shown as a badge in the menu. */
  unreadMessages?: number;
  /** The network's contact block (settings), shown in the footer. */
  contact?: NetworkContact | null;
}

interface NavItem {
  href: string;
  label: string;
  /** A count shown next to the label (unread messages). */
  count?: number;
}

function navigation(
  actor: StaffActor | null,
  patron: PatronActor | null,
  selfRegistration: boolean,
  unreadMessages = 0,
): NavItem[] {
  if (patron)
    return [
      { href: '/', label: 'Accueil' },
      { href: '/ressources', label: 'Ressources' },
      { href: '/mon-compte', label: 'Mon compte' },
      { href: '/bibliotheques', label: 'Bibliothèques' },
      { href: '/aide', label: 'Aide' },
    ];
  if (!actor)
    return [
      { href: '/', label: 'Accueil' },
      { href: '/ressources', label: 'Ressources' },
      ...(selfRegistration ? [{ href: '/inscription', label: 'S’inscrire' }] : []),
      { href: '/bibliotheques', label: 'Bibliothèques' },
      { href: '/aide', label: 'Aide' },
    ];
  const common: NavItem[] = [
    { href: '/admin', label: 'Tableau de bord' },
    { href: '/admin/messages', label: 'Messages', count: unreadMessages },
  ];
  if (actor.role === 'network_admin')
    return [
      ...common,
      { href: '/admin/usagers', label: 'Validation des inscriptions' },
      { href: '/admin/retards', label: 'En retard' },
      { href: '/admin/ressources', label: 'Ressources' },
      { href: '/admin/statistiques', label: 'Statistiques' },
      { href: '/admin/bibliotheques', label: 'Bibliothèques' },
      { href: '/admin/comptes', label: 'Comptes' },
      { href: '/admin/courriels', label: 'Courriels' },
      { href: '/admin/modeles', label: 'Modèles de réponse' },
      { href: '/admin/parametres', label: 'Paramètres' },
    ];
  return [
    ...common,
    { href: '/admin/usagers', label: 'Validation des inscriptions' },
    { href: '/admin/statistiques', label: 'Statistiques' },
    {
      href: '/admin/bibliotheques',
      label: actor.scope.all || actor.scope.libraryIds.length !== 1 ? 'Mes bibliothèques' : 'Ma bibliothèque',
    },
  ];
}

/** The mobile menu (a DSFR modal below 992 px) and the burger button that opens it. */
const MENU_ID = 'menu-principal';
const MENU_BUTTON_ID = 'bouton-menu';

function isCurrent(path: string, href: string): boolean {
  if (href === '/' || href === '/admin') return path === href;
  return path === href || path.startsWith(`${href}/`);
}

export function Layout(props: {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const { ctx } = props;
  const nav = navigation(ctx.actor, ctx.patron, ctx.selfRegistration, ctx.unreadMessages);
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="format-detection" content="telephone=no" />
        <title>{`${props.title} — ${ctx.networkName}`}</title>
        <link rel="stylesheet" href={ASSETS.dsfrCss} />
        <link rel="stylesheet" href={ASSETS.iconsCss} />
        <link rel="stylesheet" href={ASSETS.sesameCss} />
        <link rel="icon" href={ASSETS.favicon} type="image/svg+xml" />
        <noscript>
          <link rel="stylesheet" href={ASSETS.noScriptCss} />
        </noscript>
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav class="fr-container" role="navigation" aria-label="Accès rapide">
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#contenu">
                  Contenu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#navigation">
                  Menu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#pied-de-page">
                  Pied de page
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <header role="banner" class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand fr-enlarge-link">
                  <div class="fr-header__brand-top">
                    <div class="fr-header__navbar">
                      <button
                        type="button"
                        class="fr-btn--menu fr-btn"
                        data-fr-opened="false"
                        aria-controls={MENU_ID}
                        id={MENU_BUTTON_ID}
                        title="Menu"
                      >
                        Menu
                      </button>
                    </div>
                  </div>
                  <div class="fr-header__service">
                    <a href={ctx.actor ? '/admin' : '/'} title={`Accueil — ${ctx.networkName}`}>
                      <p class="fr-header__service-title">{ctx.networkName}</p>
                    </a>
                    <p class="fr-header__service-tagline">
                      {ctx.actor
                        ? 'Administration de la médiathèque numérique'
                        : 'La médiathèque numérique de votre bibliothèque'}
                    </p>
                  </div>
                </div>
                <div class="fr-header__tools">
                  <div class="fr-header__tools-links">
                    <HeaderTools ctx={ctx} />
                  </div>
                </div>
              </div>
            </div>
          </div>
          {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the DSFR script makes it a dialog below 992 px and drops the label above, as DSFR documents */}
          <div class="fr-header__menu fr-modal" id={MENU_ID} aria-labelledby={MENU_BUTTON_ID}>
            <div class="fr-container">
              <button type="button" class="fr-btn--close fr-btn" aria-controls={MENU_ID} title="Fermer">
                Fermer
              </button>
              {/* The same tools as on a desk, rendered here rather than copied by the DSFR script:
                  identical markup, so the script leaves it alone, and it is there without it. */}
              <div class="fr-header__menu-links">
                <HeaderTools ctx={ctx} />
              </div>
              <nav class="fr-nav" id="navigation" role="navigation" aria-label="Menu principal">
                <ul class="fr-nav__list">
                  {nav.map((item) => (
                    <li class="fr-nav__item">
                      <a
                        class="fr-nav__link"
                        href={item.href}
                        aria-current={isCurrent(ctx.path, item.href) ? 'page' : undefined}
                      >
                        {item.label}
                        {item.count ? ' ' : null}
                        {item.count ? (
                          <span class="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon fr-ml-1w">
                            {item.count}
                            <span class="fr-sr-only"> non lu{item.count > 1 ? 's' : ''}</span>
                          </span>
                        ) : null}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            </div>
          </div>
        </header>
        <main role="main" id="contenu" tabIndex={-1}>
          <div class={`fr-container fr-py-6w${props.wide ? '' : ''}`}>
            {ctx.flash && (
              <div class={`fr-alert fr-alert--${ctx.flash.kind} fr-alert--sm fr-mb-4w`} role="status">
                <p>{ctx.flash.message}</p>
              </div>
            )}
            {props.children}
          </div>
        </main>
        <footer class="fr-footer" role="contentinfo" id="pied-de-page">
          <div class="fr-container">
            <div class="fr-footer__body">
              <div class="fr-footer__brand">
                <a href="/" title={`Accueil — ${ctx.networkName}`} class="fr-footer__brand-link">
                  <span class="fr-h5 fr-mb-0">{ctx.networkName}</span>
                </a>
              </div>
              <div class="fr-footer__content">
                <p class="fr-footer__content-desc">
                  La médiathèque numérique du réseau des bibliothèques : films, livres numériques, BD, presse,
                  accessibles gratuitement aux adhérents de nos bibliothèques.
                </p>
                {hasContact(ctx.contact) && (
                  <div class="fr-footer__content-desc sesame-contact">
                    <p class="fr-mb-1v">
                      <strong>Un souci ? Une question ?</strong>
                    </p>
                    <ContactLines contact={ctx.contact} />
                  </div>
                )}
              </div>
            </div>
            <div class="fr-footer__bottom">
              <ul class="fr-footer__bottom-list">
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/aide">
                    Aide
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/bibliotheques">
                    Bibliothèques du réseau
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/accessibilite">
                    Accessibilité : partiellement conforme
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/mentions-legales">
                    Mentions légales
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/donnees-personnelles">
                    Données personnelles
                  </a>
                </li>
              </ul>
            </div>
          </div>
        </footer>
        <script type="module" src={ASSETS.dsfrJs} />
      </body>
    </html>
  );
}

function HeaderTools({ ctx }: { ctx: PageContext }) {
  const who = ctx.actor?.name ?? (ctx.patron ? `${ctx.patron.firstName} ${ctx.patron.lastName}` : null);
  if (!who)
    return (
      <ul class="fr-btns-group">
        <li>
          <a class="fr-btn fr-icon-account-circle-line" href="/connexion">
            Se connecter
          </a>
        </li>
      </ul>
    );
  return (
    <ul class="fr-btns-group">
      <li>
        <span class="fr-btn fr-btn--tertiary-no-outline fr-icon-account-circle-line">{who}</span>
      </li>
      <li>
        <form method="post" action="/deconnexion" class="sesame-inline-form">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
            Se déconnecter
          </button>
        </form>
      </li>
    </ul>
  );
}

/** Breadcrumb in DSFR markup, shown on every page below the home page. */
export function Breadcrumb({ items }: { items: Array<{ href?: string; label: string }> }) {
  return (
    <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol class="fr-breadcrumb__list">
        {items.map((item) => (
          <li>
            {item.href ? (
              <a class="fr-breadcrumb__link" href={item.href}>
                {item.label}
              </a>
            ) : (
              <a class="fr-breadcrumb__link" aria-current="page">
                {item.label}
              </a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
