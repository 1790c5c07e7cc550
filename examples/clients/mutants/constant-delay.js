#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): retries every 2 x WSCHAOS_BACKOFF_INITIAL_MS, no backoff.
process.env.WSCHAOS_FLAW = 'constant-delay';
require('../resilient.js');
