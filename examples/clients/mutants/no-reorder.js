#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): acks data in arrival order: deduplicates but does not reorder.
process.env.WSCHAOS_FLAW = 'no-reorder';
require('../resilient.js');
