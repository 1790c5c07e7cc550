#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): puts the token on its first attempt only.
process.env.WSCHAOS_FLAW = 'token-first-only';
require('../resilient.js');
