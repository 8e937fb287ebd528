import { fuzzSuite } from '../helpers/probe/fuzz-suite.js';

/**
 * As form-fuzz-staff, for the visitor's and the patron's forms (login, registration, forgotten
 * password, "Mon compte"…). Those with a password field hash it when they get through, so
 * they get fewer runs.
 */
fuzzSuite({
  label: 'public and patron forms',
  which: (r) => r.method === 'POST' && ['public', 'token', 'patron'].includes(r.rule.access),
  runs: 200,
  heavyRuns: 30,
});
