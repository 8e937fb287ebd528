import { createHash } from 'node:crypto';
import { ANONYMOUS_PSEUDONYM, patronPseudonym } from './pseudonym.js';
import { type Connector, fillUrlTemplate } from './types.js';

/**
 * The single-sign-on link French networks already use with Médiathèque Numérique:
 * `sso_login?sso_id=…&id=…&email=…&nom=…&prenom=…&dnaiss=…&id_encrypted=sha256(id + key)&return_url=…`.
 * The `id` sent is the patron's pseudonym for this provider; each personal field is sent only
 * if the administrator ticked it. `loginUrl` is the provider's sso_login address, the URL
 * template (with {document}) becomes `return_url`.
 */
export const mnSsoConnector: Connector = {
  kind: 'mn_sso',
  buildUrl(resource, patron, document) {
    const config = resource.connectorConfig;
    const key = config.secret ?? '';
    const id = patron ? patronPseudonym(key, patron.id) : ANONYMOUS_PSEUDONYM;
    const fields = new Set(config.fields ?? []);
    const url = new URL(config.loginUrl ?? config.urlTemplate);
    url.searchParams.set('sso_id', config.ssoId ?? '');
    url.searchParams.set('id', id);
    if (patron && fields.has('email') && patron.email) url.searchParams.set('email', patron.email);
    if (patron && fields.has('nom') && patron.lastName) url.searchParams.set('nom', patron.lastName);
    if (patron && fields.has('prenom') && patron.firstName) url.searchParams.set('prenom', patron.firstName);
    if (patron && fields.has('dnaiss') && patron.birthDate) url.searchParams.set('dnaiss', patron.birthDate);
    url.searchParams.set('id_encrypted', mnIdEncrypted(id, key));
    url.searchParams.set(
      'return_url',
      fillUrlTemplate(config.urlTemplate, { document, resource: resource.id }),
    );
    return url.toString();
  },
};

/** sha256(id + key), hexadecimal, as the format defines it. */
export function mnIdEncrypted(id: string, key: string): string {
  return createHash('sha256')
    .update(id + key)
    .digest('hex');
}
