import { fuzzSuite } from '../helpers/probe/fuzz-suite.js';

/** As form-fuzz-staff, for the network administrator's forms. */
fuzzSuite({
  label: 'network administration forms',
  which: (r) => r.method === 'POST' && r.rule.access === 'admin',
  runs: 120,
});
