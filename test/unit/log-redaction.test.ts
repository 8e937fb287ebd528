import { expect, it } from 'vitest';
import { redactUrl } from '../../src/web/log-redaction.js';

it.each([
  ['/mot-de-passe/AbCdEf0123456789abcdef0123456789', '/mot-de-passe/[masqué]'],
  ['/inscription/confirmer/xyzXYZ0123456789xyzXYZ0123456789', '/inscription/confirmer/[masqué]'],
  ['/admin/bibliotheques/import?_csrf=secret-token', '/admin/bibliotheques/import?_csrf=[masqué]'],
  ['/admin/usagers?q=zoe.durand%40exemple.fr&etat=actifs', '/admin/usagers?q=z***@exemple.fr&etat=actifs'],
  ['/admin/courriels?q=camille', '/admin/courriels?q=camille'],
  ['/bibliotheques', '/bibliotheques'],
])('logs %s as %s', (url, logged) => {
  expect(redactUrl(url)).toBe(logged);
});
