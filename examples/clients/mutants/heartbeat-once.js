#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): runs its heartbeat on the first link only.
process.env.WSCHAOS_FLAW = 'heartbeat-once';
require('../resilient.js');
