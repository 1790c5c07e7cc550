#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): retries at once, no delay at all.
process.env.WSCHAOS_FLAW = 'hot-loop';
require('../resilient.js');
