import { describe, expect, it } from 'vitest';
import {
  needsOpeningConfirmation,
  openingConfirmationMessage,
} from '../../src/domain/opening-confirmation.js';

describe('asking before a Forfait opening', () => {
  it.each([
    { asked: true, used: 0, limit: 4, alreadyCounted: false, asks: true },
    { asked: false, used: 0, limit: 4, alreadyCounted: false, asks: false },
    { asked: false, used: 3, limit: 4, alreadyCounted: false, asks: true },
    { asked: true, used: 1, limit: 4, alreadyCounted: true, asks: false },
    { asked: false, used: 3, limit: 4, alreadyCounted: true, asks: false },
    { asked: true, used: 4, limit: 4, alreadyCounted: false, asks: false },
  ])('%o', ({ asks, ...situation }) => {
    expect(needsOpeningConfirmation(situation)).toBe(asks);
  });

  it('says how many units the opening uses and leaves', () => {
    expect(openingConfirmationMessage({ category: 'films', used: 0, limit: 4, month: '2026-12' })).toBe(
      'Ouvrir ce film utilisera 1 de vos 4 films de décembre ; il vous en restera 3.',
    );
    expect(openingConfirmationMessage({ category: 'magazines', used: 14, limit: 15, month: '2026-08' })).toBe(
      'Ouvrir ce magazine utilisera 1 de vos 15 magazines d’août ; c’est le dernier.',
    );
    expect(openingConfirmationMessage({ category: 'films', used: 0, limit: 1, month: '2026-04' })).toBe(
      'Ouvrir ce film utilisera votre seul film d’avril ; c’est le dernier.',
    );
  });
});
