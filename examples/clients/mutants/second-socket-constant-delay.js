#!/usr/bin/env node
// Two sockets in one process (lib/two-sockets.js); the first is resilient.js, the second has exactly one
// flaw: it retries at a constant delay (docs/example-suite.md, "The mutant zoo").
require('./lib/two-sockets')('constant-delay');
