#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): reconnects after a fatal 4xxx close like after any other.
process.env.WSCHAOS_FLAW = 'retry-fatal';
require('../resilient.js');
