import { describe, expect, it } from 'vitest';
import {
  anonymisationDay,
  parisMidnight,
  parisToday,
  renewalEligibility,
  renewalLinkExpiry,
  renewalRefusalMessage,
  retentionCutoffs,
  retentionWarningDay,
  stateAfterRefusedRenewal,
} from '../../src/domain/renewal-rules.js';
import { defaultSettings } from '../../src/domain/settings.js';

const settings = defaultSettings('numos');

describe('Paris days', () => {
  it.each([
    ['2026-11-23T22:59:59Z', '2026-11-23'],
    ['2026-11-23T23:00:00Z', '2026-11-24'],
    ['2026-07-14T21:59:59Z', '2026-07-14'],
    ['2026-07-14T22:00:00Z', '2026-07-15'],
  ])('%s is %s in Paris', (at, day) => expect(parisToday(new Date(at))).toBe(day));

  it.each([
    ['2026-11-24', '2026-11-23T23:00:00.000Z'],
    ['2026-07-15', '2026-07-14T22:00:00.000Z'],
    // The day clocks go forward and back.
    ['2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['2026-10-25', '2026-10-24T22:00:00.000Z'],
  ])('%s starts at %s', (day, at) => expect(parisMidnight(day).toISOString()).toBe(at));
});

describe('renewal eligibility (reminder window of 15 days)', () => {
  it.each([
    [
      'active, 16 days before the end',
      'active',
      '2026-12-09',
      { ok: false, reason: 'not_due', opensOn: '2026-11-24' },
    ],
    ['active, 15 days before the end', 'active', '2026-12-08', { ok: true }],
    ['active, on the end date', 'active', '2026-11-23', { ok: true }],
    ['expired', 'expired', '2026-10-01', { ok: true }],
    ['already asked', 'renewal_pending', '2026-12-01', { ok: false, reason: 'already_requested' }],
    ['refused', 'refused', null, { ok: false, reason: 'not_renewable' }],
    ['waiting for a first decision', 'pending', null, { ok: false, reason: 'not_renewable' }],
  ] as const)('%s', (_, state, activeUntil, expected) => {
    expect(renewalEligibility({ state, activeUntil }, '2026-11-23', settings)).toEqual(expected);
  });

  it('explains in French why not now', () => {
    expect(renewalRefusalMessage({ ok: false, reason: 'not_due', opensOn: '2026-11-24' })).toBe(
      'Votre abonnement est en cours : vous pourrez demander son renouvellement à partir du 24/11/2026.',
    );
  });

  it('a refused renewal keeps a running subscription, and expires an ended one', () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(stateAfterRefusedRenewal('2026-11-23', now)).toBe('active');
    expect(stateAfterRefusedRenewal('2026-11-22', now)).toBe('expired');
  });
});

describe('retention (365 days, warned 30 days before)', () => {
  it('erases the day after the retention period, warns 30 days before', () => {
    expect(anonymisationDay('2025-12-22', settings)).toBe('2026-12-23');
    expect(retentionWarningDay('2025-12-22', settings)).toBe('2026-11-23');
    // Across a leap day the period is still 365 days + 1.
    expect(anonymisationDay('2027-11-22', settings)).toBe('2028-11-22');
  });

  it('cutoffs select exactly the records due today', () => {
    const { eraseUpTo, warnUpTo } = retentionCutoffs('2026-12-23', settings);
    expect(eraseUpTo).toBe('2025-12-22');
    expect(anonymisationDay(eraseUpTo, settings)).toBe('2026-12-23');
    expect(retentionWarningDay(warnUpTo, settings)).toBe('2026-12-23');
  });

  it('a renewal link works until the data would be erased', () => {
    expect(renewalLinkExpiry('2026-12-08', settings).toISOString()).toBe('2027-12-08T23:00:00.000Z');
  });
});
