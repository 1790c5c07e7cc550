// resilient.js twice in one process: two sockets, on paths / and /second, each with its own state,
// backoff and seed. The module is loaded twice (a fresh copy the second time), reading the
// environment as it stands then, so the second socket can be given a flaw of its own.
const main = require.resolve('../../resilient.js');

module.exports = function twoSockets(secondFlaw) {
  const first = { ...process.env };
  require(main);
  delete require.cache[main];
  const url = new URL(first.WSCHAOS_URL || 'ws://127.0.0.1:8080/');
  url.pathname = '/second';
  process.env.WSCHAOS_URL = url.toString();
  process.env.WSCHAOS_SEED = String(BigInt(first.WSCHAOS_SEED || '1') + 1n);
  if (secondFlaw) process.env.WSCHAOS_FLAW = secondFlaw;
  require(main);
};
