#!/usr/bin/env node
// Correct, at an edge: resilient.js acking every message 0.9 s after it arrives, late but within the 1 s
// the scenarios allow, so it must pass (docs/example-suite.md, "The mutant zoo").
process.env.WSCHAOS_ACK_DELAY_MS = '900';
require('../../resilient.js');
