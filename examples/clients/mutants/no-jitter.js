#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): waits the full exponential delay: no jitter.
process.env.WSCHAOS_FLAW = 'no-jitter';
require('../resilient.js');
