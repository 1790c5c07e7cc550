#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): sends heartbeats but never acts on silence.
process.env.WSCHAOS_FLAW = 'no-dead-link-check';
require('../resilient.js');
