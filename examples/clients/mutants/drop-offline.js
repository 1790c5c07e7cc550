#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): drops the ticks it makes while disconnected instead of buffering them.
process.env.WSCHAOS_FLAW = 'drop-offline';
require('../resilient.js');
