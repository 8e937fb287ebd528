import { describe, expect, it } from 'vitest';
import {
  parseDocumentLines,
  type ResourceInput,
  resourceErrors,
  urlTemplateError,
} from '../../src/domain/resource-form.js';

const base: ResourceInput = {
  name: 'Cinéma',
  provider: 'Ciné fictif',
  description: '',
  kind: 'quota',
  category: 'films',
  audience: 'all',
  underTwelve: false,
  allLibraries: true,
  libraryIds: [],
  connector: 'signed_link',
  urlTemplate: 'https://cine.exemple.fr/voir/{document}',
  secret: 'une-cle-de-seize-caracteres',
  linkMinutes: 5,
  ssoId: '',
  loginUrl: '',
  fields: [],
  capPeriod: null,
  capLimit: null,
  documents: [],
};

describe('URL templates', () => {
  it.each([
    ['https://cine.exemple.fr/voir/{document}', undefined],
    ['http://cine.exemple.fr/{resource}/{document}?x=1', undefined],
    ['', 'Saisissez'],
    ['https://cine.exemple.fr/voir', 'doit contenir {document}'],
    ['ftp://cine.exemple.fr/{document}', 'commençant par https://'],
    ['javascript:alert(1)//{document}', 'commençant par https://'],
    ['https://cine.exemple.fr/{document}/{patron}', 'Seuls {document} et {resource}'],
  ])('%s', (template, message) => {
    const e = urlTemplateError(template);
    if (message === undefined) expect(e).toBeUndefined();
    else expect(e).toContain(message);
  });
});

describe('document lines', () => {
  it('reads "identifiant ; titre" lines, skipping blank ones', () => {
    expect(parseDocumentLines('film-1 ; Le Phare\n\n  film-2;Les Dunes ; suite  \r\n')).toEqual({
      documents: [
        { id: 'film-1', title: 'Le Phare' },
        { id: 'film-2', title: 'Les Dunes ; suite' },
      ],
    });
  });
  it.each([
    ['sans separateur', 'Ligne 1 : séparez'],
    ['ok ; Titre\nfilm é ; Titre', 'Ligne 2 : l’identifiant « film é »'],
    ['film-1 ;  ', 'Ligne 1 : indiquez le titre'],
    ['a ; A\na ; B', 'Ligne 2 : l’identifiant « a » figure déjà'],
  ])('refuses %j', (text, message) => {
    const out = parseDocumentLines(text);
    expect('error' in out && out.error).toContain(message);
  });
});

describe('resource rules', () => {
  it('accepts a complete Forfait resource', () => {
    expect(resourceErrors(base, { hasSecret: false })).toEqual({});
  });
  it.each([
    [{ category: null }, 'category'],
    [{ name: ' ' }, 'name'],
    [{ allLibraries: false, libraryIds: [] }, 'libraryIds'],
    [{ connector: 'direct' as const }, 'connector'],
    [{ secret: '' }, 'secret'],
    [{ secret: 'court' }, 'secret'],
    [{ linkMinutes: 0 }, 'linkMinutes'],
    [{ connector: 'mn_sso' as const, ssoId: '', loginUrl: 'pas une adresse' }, 'ssoId'],
    [{ connector: 'mn_sso' as const, ssoId: 'X', loginUrl: 'pas une adresse' }, 'loginUrl'],
    [{ capPeriod: 'month' as const, capLimit: null }, 'capLimit'],
    [{ capPeriod: 'month' as const, capLimit: 10_000_001 }, 'capLimit'],
    [{ capPeriod: null, capLimit: 10 }, 'capPeriod'],
    [
      {
        kind: 'open' as const,
        category: null,
        connector: 'direct' as const,
        capPeriod: 'year' as const,
        capLimit: 5,
      },
      'capPeriod',
    ],
  ])('%j → error on %s', (over, field) => {
    expect(Object.keys(resourceErrors({ ...base, ...over }, { hasSecret: false }))).toContain(field);
  });
  it('keeps the current key when none is typed on an edit', () => {
    expect(resourceErrors({ ...base, secret: '' }, { hasSecret: true })).toEqual({});
  });
  it('accepts a plain link for a free resource, without key', () => {
    expect(
      resourceErrors(
        { ...base, kind: 'open', category: null, connector: 'direct', secret: '' },
        { hasSecret: false },
      ),
    ).toEqual({});
  });
});
