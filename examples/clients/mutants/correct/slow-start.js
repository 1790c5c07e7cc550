#!/usr/bin/env node
// Correct, at an edge: resilient.js that opens its first connection only after 1.5 s (a slow boot), so
// every fault anchored on its first open comes late; it must pass (docs/example-suite.md, "The mutant zoo").
setTimeout(() => require('../../resilient.js'), 1500);
