/**
 * Stand-in for `raw-body`, aliased in wrangler.toml `[alias]` and vitest `resolve.alias`.
 * Bolt's Node receivers (HTTPReceiver, ExpressReceiver) read Node request streams with it; Foreman's
 * receiver reads the Fetch Request itself. The real package drags in iconv-lite (~540 KiB).
 */
"use strict";

function getRawBody() {
  return Promise.reject(
    new Error("raw-body is not available in the Worker (Foreman uses its own Slack receiver)"),
  );
}

module.exports = getRawBody;
module.exports.default = getRawBody;
