#!/usr/bin/env node
// Correct, at an edge: two resilient sockets in one process (lib/two-sockets.js), whose attempts interleave.
// Each backs off correctly on its own, so it must pass (docs/example-suite.md, "The mutant zoo").
require('../lib/two-sockets')();
