#!/usr/bin/env node
// resilient.js with exactly one flaw (docs/example-suite.md, "The mutant zoo"): drops the TCP connection instead of answering a close frame.
process.env.WSCHAOS_FLAW = 'no-close-reply';
require('../resilient.js');
