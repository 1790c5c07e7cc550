#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): never resets its backoff after a stable link.
process.env.WSCHAOS_FLAW = 'no-reset';
require('../resilient.js');
