import { describe, expect, it } from 'vitest';
import {
  cardNumberProblem,
  identityChanges,
  identityValueText,
  stateAfterErasure,
  validateIdentity,
} from '../../src/domain/patron-identity.js';

const today = { year: 2026, month: 11, day: 23 };

describe('validateIdentity', () => {
  it('normalises a valid correction', () => {
    const r = validateIdentity(
      {
        lastName: '  N’Diaye-Lefèvre ',
        firstName: 'Zoé',
        birthDate: '14/07/1990',
        email: ' zoe@exemple.fr ',
        cardNumber: ' 12  345 ',
        newsletter: 'non',
      },
      today,
    );
    expect(r).toEqual({
      ok: true,
      data: {
        lastName: 'N’Diaye-Lefèvre',
        firstName: 'Zoé',
        birthDate: '1990-07-14',
        birthYear: 1990,
        email: 'zoe@exemple.fr',
        cardNumber: '12 345',
        newsletter: false,
      },
    });
  });

  it('reports every wrong field at once', () => {
    const r = validateIdentity(
      {
        lastName: '',
        firstName: 'Zoé',
        birthDate: '2027-01-01',
        email: 'x',
        cardNumber: 'é',
        newsletter: 'peut-être',
      },
      today,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual([
      'birthDate',
      'cardNumber',
      'email',
      'lastName',
      'newsletter',
    ]);
  });
});

describe('cardNumberProblem', () => {
  it.each([
    ['', null],
    ['57000012345', null],
    ['A-12 34', null],
    [
      'n°5',
      'Le numéro de carte ne peut contenir que des lettres sans accents, des chiffres, des espaces et des tirets.',
    ],
    ['1'.repeat(31), 'Le numéro de carte ne doit pas dépasser 30 caractères.'],
  ])('%s', (value, problem) => {
    expect(cardNumberProblem(value)).toBe(problem);
  });
});

describe('identityChanges and their wording', () => {
  it('keeps only the fields that changed', () => {
    const before = {
      lastName: 'Le Bihan',
      firstName: 'Yann',
      birthDate: '1990-07-14',
      email: 'y@exemple.fr',
      cardNumber: null,
      newsletter: false,
    };
    expect(identityChanges(before, { ...before, birthDate: '1990-07-15', newsletter: true })).toEqual({
      birthDate: { before: '1990-07-14', after: '1990-07-15' },
      newsletter: { before: false, after: true },
    });
    expect(identityChanges(before, { ...before })).toEqual({});
  });

  it.each([
    ['birthDate', '1990-07-14', '14/07/1990'],
    ['newsletter', true, 'Oui'],
    ['newsletter', false, 'Non'],
    ['cardNumber', null, '(vide)'],
    ['lastName', 'N’Diaye', 'N’Diaye'],
  ])('%s %s reads %s', (field, value, shown) => {
    expect(identityValueText(field, value)).toBe(shown);
  });
});

describe('stateAfterErasure', () => {
  it.each([
    ['awaiting_confirmation', null, 'lapsed', null],
    ['pending', null, 'lapsed', null],
    ['active', '2027-05-01', 'expired', '2026-11-23'],
    ['renewal_pending', '2026-12-01', 'expired', '2026-11-23'],
    ['expired', '2026-10-01', 'expired', '2026-10-01'],
    ['refused', null, 'refused', null],
    ['lapsed', null, 'lapsed', null],
  ] as const)('%s (end %s) → %s (end %s)', (state, end, next, nextEnd) => {
    expect(stateAfterErasure(state, end, today)).toEqual({ state: next, activeUntil: nextEnd });
  });
});
