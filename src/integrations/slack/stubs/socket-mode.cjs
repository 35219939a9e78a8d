/**
 * Stand-in for `@slack/socket-mode`, aliased in wrangler.toml `[alias]` and vitest `resolve.alias`.
 * Bolt's SocketModeReceiver `require`s it at load time; Foreman receives Slack over HTTP only. The
 * real package pulls in `ws` and undici (`node:console`), which fail to load in workerd under Vitest.
 */
"use strict";

class SocketModeClient {
  constructor() {
    throw new Error("Socket Mode is not available in the Worker (Foreman receives Slack over HTTP)");
  }
}

module.exports = { SocketModeClient };
