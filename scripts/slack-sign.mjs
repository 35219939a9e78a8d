#!/usr/bin/env node
/**
 * Signs a Slack request the way Slack does and prints a curl command for it (or sends it), so
 * `POST /slack/events` can be tried without Slack.
 *
 *   node scripts/slack-sign.mjs [--url <url>] [--send] [--team T…] [--user U…] [--channel C…]
 *                               [--timestamp <unix s>] ['help' | --text '<command text>']
 *       A slash command `/foreman <text>` (form-encoded, like Slack sends it).
 *   node scripts/slack-sign.mjs --json <file> [--url <url>] [--send]
 *       An Events API body (e.g. test/fixtures/slack/app_mention.json), sent as JSON.
 *   node scripts/slack-sign.mjs --payload <file> [--url <url>] [--send]
 *       An interactivity payload (block_actions, view_submission), sent as `payload=<json>`.
 *
 * Signature: "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)). The secret comes from
 * SLACK_SIGNING_SECRET in the environment or in .dev.vars. Default URL: http://127.0.0.1:8787/slack/events.
 * Without a bot token Foreman runs Slack in demo mode: answers come back in the HTTP response and
 * later posts land in the outbox (GET /api/outbox).
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { localVar } from "./dev-vars.mjs";
import { printOrSend } from "./signed-request.mjs";

const DEFAULT_URL = "http://127.0.0.1:8787/slack/events";
const USAGE = `Usage:
  node scripts/slack-sign.mjs [--url <url>] [--send] [--team T…] [--user U…] [--channel C…] [--timestamp <s>] ['<command text>']
  node scripts/slack-sign.mjs (--json <event.json> | --payload <interaction.json>) [--url <url>] [--send]`;

function die(message) {
  console.error(message);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {
    url: DEFAULT_URL,
    send: false,
    text: undefined,
    team: "T0LOCAL01",
    user: "U0LOCAL01",
    channel: "C0LOCAL01",
    timestamp: undefined,
    json: undefined,
    payload: undefined,
  };
  const next = (i, flag) => argv[i + 1] ?? die(`${flag} needs a value\n${USAGE}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--send") args.send = true;
    else if (arg === "--url") args.url = next(i++, arg);
    else if (arg === "--text") args.text = next(i++, arg);
    else if (arg === "--team") args.team = next(i++, arg);
    else if (arg === "--user") args.user = next(i++, arg);
    else if (arg === "--channel") args.channel = next(i++, arg);
    else if (arg === "--timestamp") args.timestamp = next(i++, arg);
    else if (arg === "--json") args.json = next(i++, arg);
    else if (arg === "--payload") args.payload = next(i++, arg);
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (!arg.startsWith("--") && args.text === undefined) args.text = arg;
    else die(`Unknown argument "${arg}"\n${USAGE}`);
  }
  return args;
}

export function signature(secret, timestamp, body) {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

function build(args) {
  if (args.json) return { type: "application/json", body: readFileSync(args.json, "utf8").trim() };
  if (args.payload) {
    const payload = JSON.stringify(JSON.parse(readFileSync(args.payload, "utf8")));
    return { type: "application/x-www-form-urlencoded", body: new URLSearchParams({ payload }).toString() };
  }
  const id = Date.now().toString(36);
  const fields = {
    token: "local-verification-token",
    team_id: args.team,
    team_domain: "local",
    channel_id: args.channel,
    channel_name: "local",
    user_id: args.user,
    user_name: "local-user",
    command: "/foreman",
    text: args.text ?? "help",
    api_app_id: "A0LOCAL01",
    response_url: `https://hooks.slack.com/commands/${args.team}/${id}/local`,
    trigger_id: `${id}.local.trigger`,
  };
  return { type: "application/x-www-form-urlencoded", body: new URLSearchParams(fields).toString() };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const secret = localVar("SLACK_SIGNING_SECRET");
  if (!secret) die("Set SLACK_SIGNING_SECRET (environment or .dev.vars): the Worker's signing secret");
  const timestamp = args.timestamp ?? String(Math.floor(Date.now() / 1000));
  const { type, body } = build(args);
  const headers = {
    "Content-Type": type,
    "X-Slack-Request-Timestamp": timestamp,
    "X-Slack-Signature": signature(secret, timestamp, body),
  };
  await printOrSend({ url: args.url, headers, body, send: args.send });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
