#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): never reconnects after a link dies without a close frame (1006).
process.env.WSCHAOS_FLAW = 'stops-after-abort';
require('../resilient.js');
