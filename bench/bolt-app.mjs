#!/usr/bin/env node
/**
 * The comparison for the Slack ack path: the minimal @slack/bolt app most teams would write instead,
 * on Node with Bolt's own HTTPReceiver (signature check, body parsing, ack). It answers `/foreman`
 * with a fixed reply — the bench passes Foreman's own answer to `/foreman review mine`, so both send
 * the same bytes — and does no other work. Started by bench/run.mjs as a child process (its own
 * event loop, as it would be deployed); prints `ready <port>` when it listens on 127.0.0.1.
 *
 *   SLACK_SIGNING_SECRET=… BOLT_ACK_JSON='{"text":…}' node bench/bolt-app.mjs [port]
 */
import bolt from "@slack/bolt";

const { App, HTTPReceiver, LogLevel } = bolt;

const signingSecret = process.env.SLACK_SIGNING_SECRET;
if (!signingSecret) {
  console.error("SLACK_SIGNING_SECRET is required");
  process.exit(2);
}
const ack = JSON.parse(process.env.BOLT_ACK_JSON ?? '{"text":"ok"}');

const receiver = new HTTPReceiver({ signingSecret, endpoints: "/slack/events", logLevel: LogLevel.ERROR });
const app = new App({
  receiver,
  logLevel: LogLevel.ERROR,
  // Like Foreman's Worker: bot ids given, so Bolt never calls auth.test.
  authorize: async () => ({ botId: "B00000000", botUserId: "U00000000" }),
});

app.command("/foreman", async ({ ack: respond }) => {
  await respond(ack);
});

const server = await app.start({ port: Number(process.argv[2] ?? 0), host: "127.0.0.1" });
const address = server.address();
console.log(`ready ${typeof address === "object" && address ? address.port : address}`);

const stop = () => app.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
