import { expect, it } from 'vitest';
import { redactUrl } from '../../src/web/log-redaction.js';

it.each([
  ['/mot-de-passe/AbCdEf0123456789abcdef0123456789', '/mot-de-passe/[masqué]'],
  ['/inscription/confirmer/xyzXYZ0123456789xyzXYZ0123456789', '/inscription/confirmer/[masqué]'],
  ['/admin/bibliotheques/import?_csrf=secret-token', '/admin/bibliotheques/import?_csrf=[masqué]'],
  ['/admin/usagers?q=zoe.durand%40exemple.fr&etat=actifs', '/admin/usagers?q=z***@exemple.fr&etat=actifs'],
  ['/admin/courriels?q=camille', '/admin/courriels?q=camille'],
  ['/bibliotheques', '/bibliotheques'],
  [
    '/oidc/auth?client_id=sesame-1&code_challenge=abc&state=s1&id_token_hint=eyJ.x.y',
    '/oidc/auth?client_id=sesame-1&code_challenge=abc&state=s1&id_token_hint=[masqué]',
  ],
  ['/oidc/interaction/Uid0123456789abcdef', '/oidc/interaction/[masqué]'],
  ['/oidc/auth/Uid0123456789abcdef', '/oidc/auth/[masqué]'],
  ['/oidc/interaction/Uid0123/autoriser', '/oidc/interaction/[masqué]/autoriser'],
  ['/connexion?suite=%2Foidc%2Finteraction%2FUid0123', '/connexion?suite=/oidc/interaction/[masqué]'],
  [
    'https://fournisseur.example/retour?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz',
    'https://fournisseur.example/retour?code=[masqué]&state=xyz',
  ],
  [
    '/oidc/token?client_secret=s3cret&access_token=t0k',
    '/oidc/token?client_secret=[masqué]&access_token=[masqué]',
  ],
])('logs %s as %s', (url, logged) => {
  expect(redactUrl(url)).toBe(logged);
});
