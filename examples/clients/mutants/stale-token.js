#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): reconnects after 4001 with the expired token instead of fetching a new one.
process.env.WSCHAOS_FLAW = 'stale-token';
require('../resilient.js');
