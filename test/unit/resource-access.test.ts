import { describe, expect, it } from 'vitest';
import { parisDay } from '../../src/domain/paris.js';
import {
  capPeriodKey,
  frenchFirstOf,
  nextPeriodStart,
  parisMidnight,
  parisMonthKey,
} from '../../src/domain/paris-month.js';
import type { PatronState } from '../../src/domain/patron-lifecycle.js';
import {
  accessRefusal,
  capLevelsReached,
  capReached,
  capReachedMessage,
  isUnderTwelve,
  kindAllowed,
  quotaReached,
  quotaReachedMessage,
  standingOf,
  type Viewer,
  viewerAge,
} from '../../src/domain/resource-access.js';
import type { Audience, ResourceKind } from '../../src/domain/resources.js';
import { defaultSettings } from '../../src/domain/settings.js';

const settings = defaultSettings('numos');
const NOW = new Date('2026-11-23T09:00:00Z');

function patron(state: PatronState, over: Partial<Extract<Viewer, { kind: 'patron' }>> = {}): Viewer {
  return {
    kind: 'patron',
    state,
    birthDate: '1990-07-14',
    birthYear: 1990,
    activeUntil:
      state === 'active' || state === 'renewal_pending' || state === 'expired' ? '2027-06-30' : null,
    pendingSince: state === 'pending' ? new Date('2026-11-20T10:00:00Z') : null,
    registeredAt: new Date('2026-11-19T10:00:00Z'),
    ...over,
  };
}

const anonymous: Viewer = { kind: 'anonymous' };

function open(viewer: Viewer, kind: ResourceKind, audience: Audience = 'all', now = NOW) {
  return accessRefusal({
    viewer,
    resource: { kind, audience },
    subscribed: true,
    withdrawn: false,
    now,
    settings,
  });
}

describe('rights table: state × kind', () => {
  const cases: Array<[string, Viewer, Record<ResourceKind, string | null>]> = [
    ['anonymous', anonymous, { open: null, unlimited: 'login_required', quota: 'login_required' }],
    [
      'pending (temporary account)',
      patron('pending'),
      { open: null, unlimited: null, quota: 'temporary_account' },
    ],
    ['active', patron('active'), { open: null, unlimited: null, quota: null }],
    ['renewal_pending', patron('renewal_pending'), { open: null, unlimited: null, quota: null }],
    [
      'expired',
      patron('expired'),
      { open: null, unlimited: 'subscription_expired', quota: 'subscription_expired' },
    ],
    [
      'refused',
      patron('refused'),
      { open: null, unlimited: 'registration_refused', quota: 'registration_refused' },
    ],
  ];
  for (const [label, viewer, expected] of cases)
    for (const kind of ['open', 'unlimited', 'quota'] as const)
      it(`${label} × ${kind} → ${expected[kind] ?? 'allowed'}`, () => {
        expect(open(viewer, kind)?.code ?? null).toBe(expected[kind]);
      });

  it('says "Abonnement expiré" with its end date', () => {
    const r = open(patron('expired', { activeUntil: '2026-10-31' }), 'quota');
    expect(r?.message).toMatch(/^Abonnement expiré le 31\/10\/2026/);
    expect(r?.status).toBe(403);
  });

  it('tells how to renew as the network does it: online from « Mon compte », or at the library (MDO)', () => {
    const viewer = patron('expired', { activeUntil: '2026-10-31' });
    expect(open(viewer, 'quota')?.message).toContain('demandez son renouvellement depuis « Mon compte »');
    const atLibrary = accessRefusal({
      viewer,
      resource: { kind: 'quota', audience: 'all' },
      subscribed: true,
      withdrawn: false,
      now: NOW,
      settings: { ...settings, onlineRenewal: false },
    });
    expect(atLibrary?.message).toContain('rendez-vous à votre bibliothèque pour vous réinscrire');
    expect(atLibrary?.message).not.toContain('renouvellement depuis');
  });

  it('treats an active account past its end date as expired before the sweep runs', () => {
    const viewer = patron('active', { activeUntil: '2026-11-22' });
    expect(standingOf(viewer, NOW, settings)).toBe('expired');
    expect(open(viewer, 'unlimited')?.code).toBe('subscription_expired');
    // The last day itself still counts (Paris calendar): 22/11 at 23:30 Paris.
    expect(open(viewer, 'quota', 'all', new Date('2026-11-22T22:30:00Z'))).toBeNull();
  });

  it('ends the temporary account after its maximum duration', () => {
    const viewer = patron('pending', { pendingSince: new Date('2026-10-01T10:00:00Z') });
    expect(standingOf(viewer, NOW, settings)).toBe('temporary_ended');
    expect(open(viewer, 'unlimited')?.code).toBe('temporary_ended');
    expect(open(viewer, 'open')).toBeNull();
  });

  it('lists the kinds of each standing', () => {
    expect(kindAllowed('temporary', 'unlimited')).toBe(true);
    expect(kindAllowed('temporary', 'quota')).toBe(false);
    expect(kindAllowed('member', 'quota')).toBe(true);
  });
});

describe('age rules', () => {
  const born = (birthDate: string) =>
    patron('active', { birthDate, birthYear: Number(birthDate.slice(0, 4)) });
  it.each([
    // [birth date, audience, allowed on 23/11/2026]
    ['2010-11-23', '16', true], // 16th birthday today
    ['2010-11-24', '16', false], // 16 tomorrow
    ['2014-11-23', '12', true],
    ['2014-11-24', '12', false],
    ['2008-11-23', '18', true],
    ['2008-11-24', '18', false],
    ['2020-01-01', 'all', true],
  ] as const)('born %s, audience %s → %s', (birthDate, audience, allowed) => {
    const r = open(born(birthDate), 'quota', audience);
    if (allowed) expect(r).toBeNull();
    else {
      expect(r?.code).toBe('age_restricted');
      expect(r?.status).toBe(403);
    }
  });

  it('says "Contenu réservé aux 16 ans et plus"', () => {
    expect(open(born('2012-05-01'), 'quota', '16')?.message).toBe('Contenu réservé aux 16 ans et plus');
  });

  it('asks anonymous visitors to log in for an age-restricted free resource', () => {
    const r = open(anonymous, 'open', '12');
    expect(r?.code).toBe('age_unknown');
    expect(r?.message).toContain('Contenu réservé aux 12 ans et plus');
  });

  it('puts patrons below the under-12 age in the under-12 space, from their birthday on', () => {
    const today = parisDay(NOW);
    expect(isUnderTwelve(viewerAge(born('2014-11-24'), today), settings)).toBe(true);
    expect(isUnderTwelve(viewerAge(born('2014-11-23'), today), settings)).toBe(false);
    expect(isUnderTwelve(viewerAge(anonymous, today), settings)).toBe(false);
    expect(isUnderTwelve(11, { ...settings, underTwelveAge: 10 })).toBe(false);
  });

  it('falls back on the birth year, never overstating the age', () => {
    expect(viewerAge(patron('active', { birthDate: null, birthYear: 2010 }), parisDay(NOW))).toBe(15);
  });
});

describe('library subscription and withdrawn rights', () => {
  const base = {
    viewer: patron('active'),
    resource: { kind: 'quota', audience: 'all' },
    now: NOW,
    settings,
  } as const;
  it('refuses a resource the library does not subscribe to', () => {
    expect(accessRefusal({ ...base, subscribed: false, withdrawn: false })?.code).toBe('not_subscribed');
  });
  it('refuses a resource staff withdrew from this patron', () => {
    expect(accessRefusal({ ...base, subscribed: true, withdrawn: true })?.code).toBe('right_withdrawn');
  });
  it('ignores subscriptions for free resources', () => {
    expect(
      accessRefusal({
        ...base,
        resource: { kind: 'open', audience: 'all' },
        subscribed: false,
        withdrawn: true,
      }),
    ).toBeNull();
  });
});

describe('Paris months', () => {
  it.each([
    ['2026-10-31T22:30:00Z', '2026-10'], // 23:30 on 31 October in Paris
    ['2026-10-31T23:00:00Z', '2026-11'], // midnight in Paris
    ['2026-06-30T21:59:00Z', '2026-06'], // 23:59 in summer time
    ['2026-06-30T22:00:00Z', '2026-07'],
    ['2026-12-31T22:59:00Z', '2026-12'],
    ['2026-12-31T23:00:00Z', '2027-01'],
  ])('%s is in %s', (at, key) => {
    expect(parisMonthKey(new Date(at))).toBe(key);
  });

  it('keys yearly caps by Paris year', () => {
    expect(capPeriodKey('year', new Date('2026-12-31T23:30:00Z'))).toBe('2027');
    expect(capPeriodKey('month', new Date('2026-12-31T22:30:00Z'))).toBe('2026-12');
  });

  it('names the next first day, with the year when it changes', () => {
    expect(frenchFirstOf(nextPeriodStart('month', NOW), NOW)).toBe('le 1er décembre');
    const december = new Date('2026-12-10T10:00:00Z');
    expect(frenchFirstOf(nextPeriodStart('month', december), december)).toBe('le 1er janvier 2027');
    expect(frenchFirstOf(nextPeriodStart('year', NOW), NOW)).toBe('le 1er janvier 2027');
  });

  it('gives the Paris midnight instant of a day', () => {
    expect(parisMidnight({ year: 2026, month: 12, day: 1 }).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(parisMidnight({ year: 2026, month: 7, day: 1 }).toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });
});

describe('refusal messages', () => {
  it.each([
    ['films', 4, 'Vous avez utilisé vos 4 films de novembre ; prochain film possible le 1er décembre'],
    [
      'books',
      7,
      'Vous avez utilisé vos 7 livres numériques et BD de novembre ; prochain livre ou BD possible le 1er décembre',
    ],
    [
      'magazines',
      1,
      'Vous avez utilisé votre magazine de novembre ; prochain magazine possible le 1er décembre',
    ],
  ] as const)('quota of %s', (category, limit, message) => {
    expect(quotaReachedMessage(category, limit, NOW)).toBe(message);
  });

  it('works at the end of October in Paris', () => {
    expect(quotaReachedMessage('films', 4, new Date('2026-10-31T22:30:00Z'))).toBe(
      'Vous avez utilisé vos 4 films d’octobre ; prochain film possible le 1er novembre',
    );
  });

  it('carries a 429 status and the instant the quota renews', () => {
    const r = quotaReached('films', 4, NOW);
    expect(r.status).toBe(429);
    expect(r.retryAt?.toISOString()).toBe('2026-11-30T23:00:00.000Z');
  });

  it('gives the reopening date at 100 % of a cap', () => {
    expect(capReachedMessage('month', NOW)).toBe(
      'Toutes les consultations achetées par le réseau pour novembre ont été utilisées : cette ressource rouvrira le 1er décembre.',
    );
    expect(capReached('year', NOW).message).toContain('pour 2026');
    expect(capReached('year', NOW).message).toContain('rouvrira le 1er janvier 2027');
  });

  it('finds the cap alert levels reached', () => {
    expect(capLevelsReached(79, 100, settings)).toEqual([]);
    expect(capLevelsReached(80, 100, settings)).toEqual(['low']);
    expect(capLevelsReached(95, 100, settings)).toEqual(['high', 'low']);
    expect(capLevelsReached(100, 100, settings)).toEqual(['full', 'high', 'low']);
    expect(capLevelsReached(4, 5, settings)).toEqual(['low']);
  });
});
