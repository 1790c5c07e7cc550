#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): reconnects 3.5 s after a fatal 4xxx close.
process.env.WSCHAOS_FLAW = 'retry-fatal-late';
require('../resilient.js');
