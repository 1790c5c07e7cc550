#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): sends no heartbeat (still notices silence).
process.env.WSCHAOS_FLAW = 'no-heartbeat';
require('../resilient.js');
