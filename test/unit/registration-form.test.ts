import { describe, expect, it } from 'vitest';
import {
  birthDateProblem,
  identifierProblem,
  nameProblem,
  normaliseName,
  type RegistrationContext,
  type RegistrationInput,
  validateRegistration,
} from '../../src/domain/registration-form.js';

const LIBRARY = '0b5e8a58-6f0e-4d3e-9a55-5d7c1f1f0a01';
const context: RegistrationContext = {
  today: { year: 2026, month: 11, day: 23 },
  rule: { minLength: 8, requireClasses: false },
  activeLibraryIds: new Set([LIBRARY]),
  withPassword: true,
};
const valid: RegistrationInput = {
  lastName: "N'Diaye-Lefèvre",
  firstName: 'Zoé',
  birthDate: '14/07/1990',
  email: 'zoe.ndiaye@exemple.fr',
  identifier: 'zoe.ndiaye',
  password: 'lune-de-miel-42',
  confirmation: 'lune-de-miel-42',
  libraryId: LIBRARY,
  newsletter: 'non',
};

describe('names', () => {
  it.each([
    'Zoé',
    "N'Diaye",
    'N’Diaye',
    'Le Bihan-Kerjean',
    "N'Diaye-Lefèvre",
    'Éloïse',
    'Ærøskøbing',
    'Jean Pierre',
    'O',
    'Zoe\u0301', // an accent typed as a combining mark
  ])('accepts %s', (name) => {
    expect(nameProblem(name, 'nom')).toBeNull();
  });

  it.each([
    ['', 'Saisissez le nom.'],
    ['   ', 'Saisissez le nom.'],
    ['Zoé2', 'ne peut contenir que des lettres'],
    ['R2-D2', 'ne peut contenir que des lettres'],
    ['-Zoé', 'ne peut contenir que des lettres'],
    ['Zoé-', 'ne peut contenir que des lettres'],
    ['Zoé <b>', 'ne peut contenir que des lettres'],
    ['Zoé.', 'ne peut contenir que des lettres'],
    ['A'.repeat(81), 'ne doit pas dépasser 80 caractères'],
  ])('refuses %j', (name, message) => {
    expect(nameProblem(name, 'nom')).toContain(message);
  });

  it('says which field: nom or prénom', () => {
    expect(nameProblem('', 'prénom')).toBe('Saisissez le prénom.');
    expect(nameProblem('4', 'prénom')).toMatch(/^Le prénom ne peut contenir/);
  });

  it('trims, joins spaces and composes accents', () => {
    expect(normaliseName('  Le   Bihan-Kerjean ')).toBe('Le Bihan-Kerjean');
    expect(normaliseName('Zoe\u0301')).toBe('Zoé');
  });
});

describe('birth dates', () => {
  const today = context.today;
  it.each([
    ['14/07/1990', '1990-07-14'],
    ['1/2/2001', '2001-02-01'],
    ['29/02/2000', '2000-02-29'],
    ['22/11/2026', '2026-11-22'],
    ['24/11/1906', '1906-11-24'],
  ])('accepts %s', (text, iso) => {
    expect(birthDateProblem(text, today)).toEqual({ iso, year: Number(iso.slice(0, 4)) });
  });

  it.each([
    ['', 'Saisissez la date de naissance'],
    ['31/02/2000', 'Cette date n’existe pas'],
    ['29/02/2001', 'Cette date n’existe pas'],
    ['14-07-90', 'Cette date n’existe pas'],
    ['demain', 'Cette date n’existe pas'],
    ['23/11/2026', 'doit être passée'],
    ['01/01/2030', 'doit être passée'],
    ['14/07/1890', 'plus de 120 ans'],
    ['23/11/1906', 'plus de 120 ans'],
  ])('refuses %j', (text, message) => {
    const result = birthDateProblem(text, today);
    expect('problem' in result && result.problem).toContain(message);
  });
});

describe('identifiants', () => {
  it.each(['zoe.ndiaye', 'Zoe_N-D', 'abc', 'a'.repeat(40), '52000001'])('accepts %s', (id) => {
    expect(identifierProblem(id)).toBeNull();
  });

  it.each([
    ['zoé', 'Évitez les accents : lettres sans accents, chiffres, point, tiret ou souligné.'],
    ['zoe ndiaye', 'Évitez les accents'],
    ['zoe@exemple.fr', 'Évitez les accents'],
    ['ab', 'entre 3 et 40 caractères'],
    ['a'.repeat(41), 'entre 3 et 40 caractères'],
    ['', 'Choisissez un identifiant.'],
  ])('refuses %j', (id, message) => {
    expect(identifierProblem(id)).toContain(message);
  });
});

describe('the whole form', () => {
  it('gives clean data for a valid form', () => {
    const result = validateRegistration({ ...valid, lastName: "  N'Diaye-Lefèvre " }, context);
    expect(result).toEqual({
      ok: true,
      honeypotFilled: false,
      data: {
        lastName: "N'Diaye-Lefèvre",
        firstName: 'Zoé',
        birthDate: '1990-07-14',
        birthYear: 1990,
        email: 'zoe.ndiaye@exemple.fr',
        identifier: 'zoe.ndiaye',
        password: 'lune-de-miel-42',
        libraryId: LIBRARY,
        newsletter: false,
      },
    });
  });

  it.each<[string, RegistrationInput, string, string]>([
    ['e-mail', { email: 'zoe@' }, 'email', 'Saisissez une adresse électronique valide'],
    ['e-mail with spaces', { email: 'zoe n@exemple.fr' }, 'email', 'adresse électronique valide'],
    ['short password', { password: 'court', confirmation: 'court' }, 'password', 'au moins 8 caractères'],
    ['common password', { password: 'azertyuiop', confirmation: 'azertyuiop' }, 'password', 'trop courant'],
    [
      'password equal to the identifiant',
      { password: 'zoe.ndiaye', confirmation: 'zoe.ndiaye' },
      'password',
      'ni votre adresse électronique',
    ],
    [
      'password equal to the e-mail',
      { password: 'zoe.ndiaye@exemple.fr', confirmation: 'zoe.ndiaye@exemple.fr' },
      'password',
      'ni votre adresse électronique',
    ],
    ['missing confirmation', { confirmation: '' }, 'confirmation', 'Entrez à nouveau votre mot de passe'],
    ['different confirmation', { confirmation: 'autre-chose-42' }, 'confirmation', 'pas identiques'],
    ['no library', { libraryId: '' }, 'libraryId', 'Sélectionnez votre bibliothèque de proximité.'],
    ['unknown library', { libraryId: 'ailleurs' }, 'libraryId', 'ne participe pas'],
    ['newsletter forged', { newsletter: 'peut-être' }, 'newsletter', 'Oui ou Non'],
    ['a field sent twice', { firstName: ['Zoé', 'Léa'] as unknown as string }, 'firstName', 'Saisissez'],
  ])('refuses %s', (_, change, field, message) => {
    const result = validateRegistration({ ...valid, ...change }, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[field as keyof typeof result.errors]).toContain(message);
    expect(Object.keys(result.errors)).toEqual([field]);
  });

  it.each([
    ['no answer', undefined, false],
    ['an empty answer', '', false],
    ['oui', 'oui', true],
    ['non', 'non', false],
  ])('takes %s to the newsletter as %s', (_, answer, expected) => {
    const result = validateRegistration({ ...valid, newsletter: answer }, context);
    expect(result.ok && result.data.newsletter).toBe(expected);
  });

  it('applies the network’s stricter password rule', () => {
    const strict = { ...context, rule: { minLength: 8, requireClasses: true } };
    const result = validateRegistration(valid, strict);
    expect(!result.ok && result.errors.password).toContain('une lettre majuscule');
    expect(
      validateRegistration({ ...valid, password: 'Lune-de-miel-42', confirmation: 'Lune-de-miel-42' }, strict)
        .ok,
    ).toBe(true);
  });

  it('reports every wrong field at once', () => {
    const result = validateRegistration({}, context);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(
      ['birthDate', 'email', 'firstName', 'identifier', 'lastName', 'libraryId', 'password'].sort(),
    );
  });

  it('has no password fields when staff register a patron', () => {
    const result = validateRegistration(
      { ...valid, password: undefined, confirmation: undefined },
      { ...context, withPassword: false },
    );
    expect(result.ok && result.data.password).toBe('');
  });

  it('notices the honeypot', () => {
    expect(validateRegistration({ ...valid, site_web: 'http://spam.example' }, context).honeypotFilled).toBe(
      true,
    );
    expect(validateRegistration({ ...valid, site_web: '' }, context).honeypotFilled).toBe(false);
  });
});
