import type { DeclaredRoute } from './routes.js';

/**
 * Who may use a route:
 * - `ops`: probes, for anyone; `public`: anyone (a visitor gets the page);
 * - `token`: public pages reached with a secret from an e-mail or a signed link (a bogus one
 *   is refused);
 * - `quota`: opening a counted resource: active patrons only (and renewals, still active);
 * - `patron`: the patron's own portal (visitors go to the login page, staff get 403);
 * - `staff`: any staff member (visitors → login page, patrons 403);
 * - `staffObject`: a staff member, on an object of one of their libraries (another
 *   library's → 403/404), the network administrator on every library's;
 * - `admin`: network administrators only (library staff 403).
 */
export type Access = 'ops' | 'public' | 'token' | 'quota' | 'patron' | 'staff' | 'staffObject' | 'admin';

/** What a `:param` of a URL names, to fill it with a real id of library A or B. */
export type ParamKind =
  | 'patron'
  | 'library'
  | 'staff'
  | 'mail'
  | 'patronMail'
  | 'thread'
  | 'patronThread'
  | 'template'
  | 'contentPage'
  | 'resource'
  | 'token'
  | 'document'
  | 'staticFile'
  | 'dsfrFile';

export interface RouteRule {
  /** Matches `METHOD /url/:with/:params` as the app declared it. */
  match: RegExp;
  access: Access;
  params?: Record<string, ParamKind>;
  /**
   * A POST that ends the acting session or account when allowed (so the probe gives it a
   * session and an object of its own).
   */
  consumesSession?: boolean;
  /**
   * A protocol endpoint that no form of ours posts to (OpenID Connect's token endpoint…): no
   * CSRF token by design, why in a word; the CSRF probe leaves it out.
   */
  csrfExempt?: string;
}

/**
 * One rule per family of routes, first match wins. A route that matches none fails the probe
 * tests: add a rule here when you add a route, saying who may use it.
 */
export const ROUTE_RULES: RouteRule[] = [
  { match: /^GET \/(healthz|readyz|metrics)$/, access: 'ops' },
  // Fingerprinted prefixes (src/web/assets.ts): /static/<hash>/…, /dsfr/<hash>/….
  { match: /^GET \/static\/([0-9a-f]+\/)?\*$/, access: 'public', params: { '*': 'staticFile' } },
  { match: /^GET \/dsfr\/([0-9a-f]+\/)?\*$/, access: 'public', params: { '*': 'dsfrFile' } },
  {
    match:
      /^GET \/(|bibliotheques|aide|aide\/faq|aide\/mode-d-emploi|accessibilite|mentions-legales|donnees-personnelles)$/,
    access: 'public',
  },
  { match: /^(GET|POST) \/(connexion|mot-de-passe-oublie|inscription)$/, access: 'public' },
  // "Poser une question au support technique": anyone, logged in or not.
  { match: /^(GET|POST) \/aide\/contact$/, access: 'public' },
  { match: /^POST \/deconnexion$/, access: 'public', consumesSession: true },
  { match: /^GET \/inscription\/envoyee$/, access: 'public' },
  // "Renvoyer le courriel": the address comes from this browser's signed cookie only.
  { match: /^POST \/inscription\/renvoyer$/, access: 'public' },
  { match: /^GET \/ressources(\/jeunesse)?$/, access: 'public' },
  { match: /^(GET|POST) \/ressources\/:id\/ouvrir$/, access: 'quota', params: { id: 'resource' } },
  { match: /^GET \/fournisseur-demo\/sso_login$/, access: 'token' },
  // OpenID Connect: oidc-provider's protocol endpoints (discovery, JWKS, authorization, token,
  // userinfo…) answer anyone in the protocol's own terms, JSON or a redirect to the client, never
  // our HTML (a made-up path: its 404, nothing written); the interactions are reached with the
  // uid of a pending authorization, bound to the browser's signed cookie (a bogus one: 400).
  {
    match: /^(GET|POST) \/oidc\/\*$/,
    access: 'token',
    params: { '*': 'token' },
    csrfExempt: 'OpenID Connect protocol endpoints (token, userinfo…), called by the provider’s server',
  },
  {
    match: /^(GET|POST) \/oidc\/interaction\/:uid(\/autoriser|\/refuser)?$/,
    access: 'token',
    params: { uid: 'token' },
  },
  {
    match: /^GET \/fournisseur-demo\/:resourceId(\/:document)?$/,
    access: 'token',
    params: { resourceId: 'resource', document: 'document' },
  },
  {
    match:
      /^(GET|POST) \/(mot-de-passe|inscription\/confirmer|mon-compte\/courriel|mon-compte\/renouveler)\/:token$/,
    access: 'token',
    params: { token: 'token' },
  },
  // CAS 3.0 protocol endpoints (XML/JSON answers, or redirects to a registered service): an
  // answer for everyone, never a write without a registered service and a valid ticket.
  {
    match: /^GET \/cas\/(login|logout|serviceValidate|proxyValidate|p3\/serviceValidate|p3\/proxyValidate)$/,
    access: 'token',
  },
  { match: /^POST \/cas\/logout$/, access: 'public', consumesSession: true },
  { match: /^GET \/mon-compte\/messages\/:id$/, access: 'patron', params: { id: 'patronMail' } },
  // The patron's conversations with their library and support: their own only (another's: 404).
  {
    match: /^(GET|POST) \/mon-compte\/conversations\/:id(\/repondre)?$/,
    access: 'patron',
    params: { id: 'patronThread' },
  },
  { match: /^POST \/mon-compte\/supprimer$/, access: 'patron', consumesSession: true },
  // Shown once the account is gone, so to anyone.
  { match: /^GET \/mon-compte\/compte-supprime$/, access: 'public' },
  { match: /^(GET|POST) \/mon-compte(\/[a-z.-]+)*$/, access: 'patron' },
  { match: /^(GET|POST) \/admin$/, access: 'staff' },
  {
    match: /^(GET|POST) \/admin\/usagers(\/nouveau|\/decisions|\/export\.(csv|xlsx))?$/,
    access: 'staff',
  },
  { match: /^GET \/admin\/usagers\/newsletter\.(csv|xlsx)$/, access: 'admin' },
  {
    match: /^POST \/admin\/usagers\/:id\/ressources\/:resourceId\/(retirer|retablir)$/,
    access: 'staffObject',
    params: { id: 'patron', resourceId: 'resource' },
  },
  {
    match: /^(GET|POST) \/admin\/usagers\/:id\/(bibliotheque|avertir)$/,
    access: 'admin',
    params: { id: 'patron' },
  },
  {
    match: /^(GET|POST) \/admin\/usagers\/:id(\/[a-z-]+)?$/,
    access: 'staffObject',
    params: { id: 'patron' },
  },
  // "Messages": every staff member has an inbox; a thread is its library's (the network's for
  // support). Taking over an overdue library message is for network administrators.
  { match: /^GET \/admin\/messages$/, access: 'staff' },
  {
    match: /^POST \/admin\/messages\/:id\/prendre-en-charge$/,
    access: 'admin',
    params: { id: 'thread' },
  },
  {
    match: /^(GET|POST) \/admin\/messages\/:id(\/(repondre|clore|rouvrir))?$/,
    access: 'staffObject',
    params: { id: 'thread' },
  },
  { match: /^GET \/admin\/bibliotheques$/, access: 'staff' },
  // Statistics: every staff member, within their libraries (another library's id: 404).
  { match: /^GET \/admin\/statistiques(\/telecharger)?$/, access: 'staff' },
  {
    match: /^(GET|POST) \/admin\/bibliotheques\/(nouvelle|import|import\/modele\.csv)$/,
    access: 'admin',
  },
  {
    match: /^POST \/admin\/bibliotheques\/:id\/(desactiver|reactiver)$/,
    access: 'admin',
    params: { id: 'library' },
  },
  { match: /^(GET|POST) \/admin\/bibliotheques\/:id$/, access: 'staffObject', params: { id: 'library' } },
  { match: /^(GET|POST) \/admin\/comptes(\/nouveau)?$/, access: 'admin' },
  { match: /^(GET|POST) \/admin\/comptes\/:id(\/[a-z]+)?$/, access: 'admin', params: { id: 'staff' } },
  { match: /^(GET|POST) \/admin\/(parametres|retards|modeles|courriels|ressources)$/, access: 'admin' },
  { match: /^(GET|POST) \/admin\/ressources\/nouvelle$/, access: 'admin' },
  // OpenID Connect clients of a resource (the client to revoke is in the form's body).
  { match: /^POST \/admin\/ressources\/:id\/oidc\/revoquer$/, access: 'admin', params: { id: 'resource' } },
  { match: /^(GET|POST) \/admin\/ressources\/:id(\/[a-z]+)?$/, access: 'admin', params: { id: 'resource' } },
  { match: /^(GET|POST) \/admin\/courriels\/:id(\/[a-z]+)?$/, access: 'admin', params: { id: 'mail' } },
  // SIP2: the providers' accounts; a library's ILS address.
  { match: /^(GET|POST) \/admin\/sip2(\/supprimer)?$/, access: 'admin' },
  { match: /^(GET|POST) \/admin\/bibliotheques\/:id\/sigb$/, access: 'admin', params: { id: 'library' } },
  { match: /^(GET|POST) \/admin\/modeles\/:key(\/[a-z]+)?$/, access: 'admin', params: { key: 'template' } },
  // Help pages for the libraries' staff; the editor of every help page, for administrators.
  { match: /^GET \/admin\/aide(\/idees)?$/, access: 'staff' },
  { match: /^GET \/admin\/contenus$/, access: 'admin' },
  {
    match: /^(GET|POST) \/admin\/contenus\/:cle(\/retablir)?$/,
    access: 'admin',
    params: { cle: 'contentPage' },
  },
];

export interface ClassifiedRoute extends DeclaredRoute {
  rule: RouteRule;
  paramNames: string[];
}

/** Every route with its rule; throws, naming them, when some route has no rule. */
export function classifyRoutes(routes: DeclaredRoute[]): ClassifiedRoute[] {
  const missing: string[] = [];
  const out: ClassifiedRoute[] = [];
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    const rule = ROUTE_RULES.find((r) => r.match.test(key));
    const paramNames = [...route.url.matchAll(/:(\w+)|(\*)/g)].map((m) => m[1] ?? m[2]!);
    const unnamed = paramNames.filter((p) => !rule?.params?.[p]);
    if (!rule || unnamed.length) {
      missing.push(rule ? `${key} (no kind for :${unnamed.join(', :')})` : key);
      continue;
    }
    out.push({ ...route, rule, paramNames });
  }
  if (missing.length)
    throw new Error(
      `Routes without an authorisation rule:\n  ${missing.join('\n  ')}\n` +
        'Add a rule saying who may use each of them in ROUTE_RULES (test/helpers/probe/classify.ts).',
    );
  return out;
}
