import { fuzzSuite } from '../helpers/probe/fuzz-suite.js';

/**
 * Property-based fuzzing (fast-check) of every staff form, sent by library A's staff on A's
 * objects with a valid session and CSRF token: arbitrary values, types, missing and extra
 * fields → never an answer ≥ 500, and a refused form (≥ 400) writes nothing.
 */
fuzzSuite({
  label: 'staff forms',
  which: (r) => r.method === 'POST' && (r.rule.access === 'staff' || r.rule.access === 'staffObject'),
  runs: 180,
});
