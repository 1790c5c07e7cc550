#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): reconnects without ?lastSeq.
process.env.WSCHAOS_FLAW = 'no-resume';
require('../resilient.js');
