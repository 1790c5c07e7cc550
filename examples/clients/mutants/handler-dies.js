#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): its message handler stops for good at the first malformed message (timers keep ticking).
process.env.WSCHAOS_FLAW = 'handler-dies';
require('../resilient.js');
