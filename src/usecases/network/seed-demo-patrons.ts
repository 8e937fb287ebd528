import { recordEvent } from '../../db/repositories/events.js';
import type { Library } from '../../db/repositories/libraries.js';
import { getNetwork } from '../../db/repositories/network.js';
import { insertPatron } from '../../db/repositories/patrons.js';
import { DAY, HOUR } from '../../domain/clock.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import { addDays } from '../../domain/patron-lifecycle.js';
import type { Deps } from '../deps.js';

/**
 * Made-up patrons so that a newcomer sees the validation queue at work: requests waiting
 * (one of them overdue), an unconfirmed one, active, refused and expired accounts. Nobody
 * has a password: they exist for the staff side of the demo.
 */
const PEOPLE: Array<{
  first: string;
  last: string;
  born: string;
  state: 'pending' | 'awaiting_confirmation' | 'active' | 'refused' | 'expired' | 'renewal_pending';
  daysAgo: number;
  library: number;
}> = [
  { first: 'Zoé', last: 'N’Diaye-Lefèvre', born: '1991-03-14', state: 'pending', daysAgo: 1, library: 0 },
  { first: 'Maël', last: 'Le Bihan-Kerjean', born: '2014-09-02', state: 'pending', daysAgo: 2, library: 0 },
  { first: 'Inès', last: 'Vasseur', born: '1978-12-30', state: 'pending', daysAgo: 7, library: 0 },
  {
    first: 'Lucas',
    last: 'Ferrand',
    born: '2003-05-21',
    state: 'awaiting_confirmation',
    daysAgo: 3,
    library: 0,
  },
  { first: 'Chloé', last: 'Morin', born: '1985-01-09', state: 'active', daysAgo: 40, library: 0 },
  { first: 'Théo', last: 'Garnier', born: '1969-07-17', state: 'renewal_pending', daysAgo: 350, library: 0 },
  { first: 'Jade', last: 'Lemaire', born: '1999-11-11', state: 'pending', daysAgo: 0, library: 1 },
  { first: 'Noah', last: 'Da Silva', born: '2010-02-28', state: 'pending', daysAgo: 6, library: 1 },
  { first: 'Léna', last: 'Roussel', born: '1993-08-05', state: 'active', daysAgo: 120, library: 1 },
  { first: 'Adam', last: 'Bouchard', born: '1957-04-23', state: 'refused', daysAgo: 20, library: 2 },
  { first: 'Rose', last: 'Carpentier', born: '1988-10-12', state: 'expired', daysAgo: 400, library: 2 },
  { first: 'Nathan', last: 'Dumont', born: '2001-06-06', state: 'pending', daysAgo: 3, library: 3 },
];

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

export async function seedDemoPatrons(deps: Deps, libraries: Library[]): Promise<number> {
  const now = deps.clock.now();
  const { settings } = await getNetwork(deps.db);
  const period = settings.membershipDays;
  let created = 0;
  for (const p of PEOPLE) {
    const library = libraries[p.library % libraries.length]!;
    const registeredAt = new Date(now.getTime() - p.daysAgo * DAY - 2 * HOUR);
    const confirmed = p.state !== 'awaiting_confirmation';
    const identifier = `${ascii(p.first)}.${ascii(p.last)}`;
    const today = isoDate(parisDay(now));
    const activeUntil =
      p.state === 'active'
        ? addDays(today, period - p.daysAgo)
        : p.state === 'renewal_pending'
          ? addDays(today, period - p.daysAgo)
          : p.state === 'expired'
            ? addDays(today, -(p.daysAgo - period))
            : null;
    const decided = ['active', 'refused', 'expired', 'renewal_pending'].includes(p.state);
    const patron = await insertPatron(deps.db, {
      libraryId: library.id,
      state: p.state,
      channel: 'self',
      lastName: p.last,
      firstName: p.first,
      birthDate: p.born,
      birthYear: Number(p.born.slice(0, 4)),
      email: `${identifier}@demo.exemple.fr`,
      identifier,
      newsletter: created % 3 === 0,
      registeredAt,
      emailConfirmedAt: confirmed ? new Date(registeredAt.getTime() + HOUR) : null,
      pendingSince:
        p.state === 'pending'
          ? new Date(registeredAt.getTime() + HOUR)
          : p.state === 'renewal_pending'
            ? new Date(now.getTime() - DAY)
            : null,
      activeUntil,
      decision: decided ? (p.state === 'refused' ? 'refused' : 'accepted') : null,
      decidedAt: decided ? new Date(registeredAt.getTime() + DAY) : null,
      decidedByLabel: decided ? `${library.name}` : null,
      refusalReason: p.state === 'refused' ? 'refuse_not_member' : null,
      createdAt: registeredAt,
      updatedAt: now,
    });
    await recordEvent(deps.db, {
      at: registeredAt,
      actor: { kind: 'patron', id: patron.id, label: `${p.first} ${p.last} (${identifier})` },
      action: 'registered',
      subject: { kind: 'patron', id: patron.id },
    });
    if (confirmed)
      await recordEvent(deps.db, {
        at: new Date(registeredAt.getTime() + HOUR),
        actor: { kind: 'patron', id: patron.id, label: `${p.first} ${p.last} (${identifier})` },
        action: 'email_confirmed',
        subject: { kind: 'patron', id: patron.id },
      });
    if (decided)
      await recordEvent(deps.db, {
        at: new Date(registeredAt.getTime() + DAY),
        actor: { kind: 'system', label: `${library.name} (démonstration)` },
        action: p.state === 'refused' ? 'refused' : 'accepted',
        subject: { kind: 'patron', id: patron.id },
      });
    created++;
  }
  return created;
}
