#!/usr/bin/env node
// Correct, at an edge: resilient.js acking every message 1 s after it arrives, late but within the 1 s
// (+ tolerance) the scenarios allow, so it must pass (docs/example-suite.md, "The mutant zoo").
process.env.WSCHAOS_ACK_DELAY_MS = '1000';
require('../../resilient.js');
