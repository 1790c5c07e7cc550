#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): lets the backoff grow without a cap.
process.env.WSCHAOS_FLAW = 'no-cap';
require('../resilient.js');
