/**
 * Stand-in for `express`, aliased in wrangler.toml `[alias]` and vitest `resolve.alias`.
 * Bolt's ExpressReceiver `require`s it at load time; Foreman uses its own receiver (../receiver.ts),
 * so nothing here is ever called. CommonJS because Bolt's dist is CommonJS and Vitest in workerd
 * loads a `require`d file as CommonJS.
 */
"use strict";

function unavailable() {
  throw new Error("express is not available in the Worker (Foreman uses its own Slack receiver)");
}

function express() {
  return unavailable();
}
express.Router = unavailable;

module.exports = express;
module.exports.default = express;
module.exports.Router = unavailable;
