#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): stops retrying after 3 failed attempts in a row.
process.env.WSCHAOS_FLAW = 'gives-up';
require('../resilient.js');
