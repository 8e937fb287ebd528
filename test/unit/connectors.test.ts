import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectorFor } from '../../src/connectors/index.js';
import { mnIdEncrypted } from '../../src/connectors/mn-sso.js';
import { patronPseudonym } from '../../src/connectors/pseudonym.js';
import { SIGNED_LINK_PARAMS, verifySignedLink } from '../../src/connectors/signed-link.js';
import type { ConnectorPatron } from '../../src/connectors/types.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const SECRET = 'une-cle-partagee-assez-longue-pour-les-essais';
const patron: ConnectorPatron = {
  id: '7f1c3c1e-58b4-4a43-9d1c-1b2a3c4d5e6f',
  firstName: 'Zoé',
  lastName: 'N’Diaye-Lefèvre',
  email: 'zoe.ndiaye@exemple.fr',
  birthDate: '1990-07-14',
};
const resource = {
  id: 'b1e2c3d4-0000-4000-8000-000000000001',
  connectorConfig: {
    urlTemplate: 'https://fournisseur.exemple.fr/films/{document}?source=sesame',
    secret: SECRET,
  },
};

describe('Sésame signed link', () => {
  const url = () => new URL(connectorFor('signed_link').buildUrl(resource, patron, 'film 42/é', NOW));

  it('fills the template and signs pseudonym, resource, document and expiry', () => {
    const u = url();
    expect(u.origin + u.pathname).toBe('https://fournisseur.exemple.fr/films/film%2042%2F%C3%A9');
    expect(u.searchParams.get('source')).toBe('sesame');
    expect(u.searchParams.get(SIGNED_LINK_PARAMS.user)).toBe(patronPseudonym(SECRET, patron.id));
    expect(u.searchParams.get(SIGNED_LINK_PARAMS.expires)).toBe(String(NOW.getTime() / 1000 + 300));
    const check = verifySignedLink(SECRET, u.searchParams, NOW);
    expect(check).toMatchObject({ ok: true, resource: resource.id, document: 'film 42/é' });
  });

  it('never sends the patron id, e-mail or name', () => {
    const text = decodeURIComponent(url().toString());
    for (const secret of [patron.id, patron.email!, patron.lastName!, patron.firstName!])
      expect(text).not.toContain(secret);
  });

  it('gives each provider its own pseudonym for the same patron', () => {
    expect(patronPseudonym('cle-a', patron.id)).not.toBe(patronPseudonym('cle-b', patron.id));
    expect(patronPseudonym('cle-a', patron.id)).toBe(patronPseudonym('cle-a', patron.id));
  });

  it.each([
    ['document', SIGNED_LINK_PARAMS.document, 'un-autre-film'],
    ['pseudonym', SIGNED_LINK_PARAMS.user, 'quelqu-un-d-autre'],
    ['resource', SIGNED_LINK_PARAMS.resource, 'b1e2c3d4-0000-4000-8000-000000000002'],
    ['expiry pushed back', SIGNED_LINK_PARAMS.expires, String(NOW.getTime() / 1000 + 86_400)],
    ['signature', SIGNED_LINK_PARAMS.signature, '0'.repeat(64)],
    ['signature (not hex)', SIGNED_LINK_PARAMS.signature, 'pas-une-signature'],
  ])('refuses a link whose %s was changed', (_label, param, value) => {
    const params = url().searchParams;
    params.set(param, value);
    expect(verifySignedLink(SECRET, params, NOW)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses a link signed with another secret, and one with a field missing', () => {
    const params = url().searchParams;
    expect(verifySignedLink('autre-secret', params, NOW)).toEqual({ ok: false, reason: 'tampered' });
    params.delete(SIGNED_LINK_PARAMS.signature);
    expect(verifySignedLink(SECRET, params, NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  it('expires after its validity (5 minutes by default, or the configured one)', () => {
    const params = url().searchParams;
    expect(verifySignedLink(SECRET, params, new Date(NOW.getTime() + 300_000)).ok).toBe(true);
    expect(verifySignedLink(SECRET, params, new Date(NOW.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
    const longer = new URL(
      connectorFor('signed_link').buildUrl(
        { ...resource, connectorConfig: { ...resource.connectorConfig, linkMinutes: 60 } },
        patron,
        'x',
        NOW,
      ),
    );
    expect(verifySignedLink(SECRET, longer.searchParams, new Date(NOW.getTime() + 3_000_000)).ok).toBe(true);
  });

  it('names anonymous visitors "visiteur"', () => {
    const u = new URL(connectorFor('signed_link').buildUrl(resource, null, 'x', NOW));
    expect(u.searchParams.get(SIGNED_LINK_PARAMS.user)).toBe('visiteur');
    expect(verifySignedLink(SECRET, u.searchParams, NOW).ok).toBe(true);
  });
});

describe('Médiathèque Numérique sso_login link', () => {
  const mn = (fields: Array<'email' | 'nom' | 'prenom' | 'dnaiss'>) =>
    new URL(
      connectorFor('mn_sso').buildUrl(
        {
          id: resource.id,
          connectorConfig: {
            urlTemplate: 'https://numos.exemple-mn.fr/catalogue/{document}',
            loginUrl: 'https://numos.exemple-mn.fr/sso_login',
            secret: SECRET,
            ssoId: 'SESAME-57',
            fields,
          },
        },
        patron,
        'doc-7',
        NOW,
      ),
    );

  it('has the format: sso_id, id, id_encrypted = sha256(id + key), return_url', () => {
    const u = mn([]);
    expect(u.origin + u.pathname).toBe('https://numos.exemple-mn.fr/sso_login');
    const id = u.searchParams.get('id')!;
    expect(id).toBe(patronPseudonym(SECRET, patron.id));
    expect(u.searchParams.get('sso_id')).toBe('SESAME-57');
    expect(u.searchParams.get('id_encrypted')).toBe(
      createHash('sha256')
        .update(id + SECRET)
        .digest('hex'),
    );
    expect(mnIdEncrypted(id, SECRET)).toBe(u.searchParams.get('id_encrypted'));
    expect(u.searchParams.get('return_url')).toBe('https://numos.exemple-mn.fr/catalogue/doc-7');
    for (const f of ['email', 'nom', 'prenom', 'dnaiss']) expect(u.searchParams.has(f)).toBe(false);
  });

  it('sends each personal field only when ticked', () => {
    const u = mn(['email', 'prenom']);
    expect(u.searchParams.get('email')).toBe('zoe.ndiaye@exemple.fr');
    expect(u.searchParams.get('prenom')).toBe('Zoé');
    expect(u.searchParams.has('nom')).toBe(false);
    expect(u.searchParams.has('dnaiss')).toBe(false);
    const all = mn(['email', 'nom', 'prenom', 'dnaiss']);
    expect(all.searchParams.get('nom')).toBe('N’Diaye-Lefèvre');
    expect(all.searchParams.get('dnaiss')).toBe('1990-07-14');
  });
});

describe('plain link for free resources', () => {
  it('sends nothing about the visitor', () => {
    const url = connectorFor('direct').buildUrl(
      { id: resource.id, connectorConfig: { urlTemplate: 'https://libre.exemple.fr/{document}' } },
      patron,
      'conte',
      NOW,
    );
    expect(url).toBe('https://libre.exemple.fr/conte');
  });
});
