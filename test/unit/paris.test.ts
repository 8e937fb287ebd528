import { expect, it } from 'vitest';
import { formatDate, formatDateTime, parisDay, parseFrenchDate } from '../../src/domain/paris.js';

it('shows dates in Paris time, JJ/MM/AAAA', () => {
  // 31 October 23:30 in Paris is 22:30 UTC (winter time started on 25 October 2026).
  expect(formatDate(new Date('2026-10-31T22:30:00Z'))).toBe('31/10/2026');
  expect(formatDateTime(new Date('2026-10-31T22:30:00Z'))).toBe('31/10/2026 à 23:30');
  expect(parisDay(new Date('2026-10-31T23:30:00Z'))).toEqual({ year: 2026, month: 11, day: 1 });
  // Summer time: UTC+2.
  expect(formatDateTime(new Date('2026-07-14T22:15:00Z'))).toBe('15/07/2026 à 00:15');
});

it.each([
  ['14/07/1990', { year: 1990, month: 7, day: 14 }],
  ['1/2/2001', { year: 2001, month: 2, day: 1 }],
  ['29/02/2024', { year: 2024, month: 2, day: 29 }],
  ['2001-02-03', { year: 2001, month: 2, day: 3 }],
  ['29/02/2023', null],
  ['31/04/2020', null],
  ['00/01/2020', null],
  ['12/13/2020', null],
  ['demain', null],
  ['', null],
])('reads %s', (text, expected) => {
  expect(parseFrenchDate(text)).toEqual(expected);
});
