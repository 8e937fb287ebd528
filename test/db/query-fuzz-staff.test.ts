import { fuzzSuite } from '../helpers/probe/fuzz-suite.js';

/**
 * Arbitrary query strings (the lists' filters, bad percent-escapes, invalid UTF-8, NUL) on every
 * back-office page and export, by the actor each is for: never an answer ≥ 500.
 */
fuzzSuite({
  label: 'back-office query strings',
  which: (r) => r.method === 'GET' && ['staff', 'staffObject', 'admin'].includes(r.rule.access),
  runs: 80,
});
