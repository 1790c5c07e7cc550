#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): instance 2 (WSCHAOS_INSTANCE) never acks.
process.env.WSCHAOS_FLAW = 'one-never-acks';
require('../resilient.js');
