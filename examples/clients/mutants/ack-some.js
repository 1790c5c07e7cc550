#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): never acks a seq divisible by 5.
process.env.WSCHAOS_FLAW = 'ack-some';
require('../resilient.js');
