/**
 * Signed requests for the bench and the load test, made the way the platforms make them:
 * Slack `X-Slack-Signature` (v0 HMAC-SHA256 over `v0:<ts>:<body>`), Discord Ed25519 over
 * `timestamp + body`, GitHub `X-Hub-Signature-256` (HMAC-SHA256 of the body). Node crypto only.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Secrets the bench and the load test give the Worker (never real ones). */
export const SECRETS = {
  ADMIN_API_KEY: "bench-admin-key-0123456789abcdef",
  SLACK_SIGNING_SECRET: "bench-slack-signing-secret-0123456789",
  GITHUB_WEBHOOK_SECRET: "bench-github-webhook-secret-0123456789",
};

export const SLACK_TEAM = "T0BENCH01";
export const SLACK_USER = "U0BENCH01";
export const SLACK_CHANNEL = "C0BENCH01";
export const DISCORD_GUILD = "1190000000000000001";
export const DISCORD_CHANNEL = "1190000000000000002";
export const DISCORD_USER = "987654321098765432";
/** The repository the GitHub deliveries are about (the example payloads' own). */
export const REPO = "Codertocat/Hello-World";

const now = () => Math.floor(Date.now() / 1000);

// ------------------------------------------------------------------ Slack

/** A slash command body as Slack sends it (form-encoded). */
export function slashCommandBody(text, { n = 0, team = SLACK_TEAM, user = SLACK_USER } = {}) {
  return new URLSearchParams({
    token: "bench-verification-token",
    team_id: team,
    team_domain: "bench",
    channel_id: SLACK_CHANNEL,
    channel_name: "eng-reviews",
    user_id: user,
    user_name: "bench-user",
    command: "/foreman",
    text,
    api_app_id: "A0BENCH01",
    is_enterprise_install: "false",
    response_url: `https://hooks.slack.com/commands/${team}/${1000000 + n}/bench${n}`,
    trigger_id: `${1000 + n}.1000.bench${n.toString(16).padStart(8, "0")}`,
  }).toString();
}

export function slackHeaders(body, secret = SECRETS.SLACK_SIGNING_SECRET, timestamp = now()) {
  const mac = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": `v0=${mac}`,
  };
}

/** `count` distinct signed `/foreman <text>` requests (valid for Slack's 5 minutes). */
export function signedSlashCommands(text, count, options = {}) {
  return Array.from({ length: count }, (_, n) => {
    const body = slashCommandBody(text, { ...options, n: (options.offset ?? 0) + n });
    return { method: "POST", path: "/slack/events", headers: slackHeaders(body, options.secret), body };
  });
}

// ---------------------------------------------------------------- Discord

const SPKI_PREFIX = "302a300506032b6570032100";

/** A fresh Ed25519 pair: the public key in hex (DISCORD_PUBLIC_KEY) and the private key to sign with. */
export function discordKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" }).toString("hex");
  return { publicKeyHex: spki.slice(SPKI_PREFIX.length), privateKey };
}

/** An APPLICATION_COMMAND interaction for `/foreman <group> <sub>` (or `/foreman <sub>`). */
export function discordCommandBody(path, n = 0) {
  const [first, second] = path.split(" ");
  const leaf = { name: second ?? first, type: 1, options: [] };
  const options = second ? [{ name: first, type: 2, options: [leaf] }] : [leaf];
  return JSON.stringify({
    application_id: "1187423890123456789",
    channel: { id: DISCORD_CHANNEL, guild_id: DISCORD_GUILD, name: "eng-reviews", type: 0 },
    channel_id: DISCORD_CHANNEL,
    data: { id: "1187500000000000001", name: "foreman", options, type: 1 },
    guild_id: DISCORD_GUILD,
    id: String(1190000000000100000n + BigInt(n)),
    locale: "en-US",
    member: {
      permissions: "1071698660929",
      roles: [],
      user: { id: DISCORD_USER, username: "bench", global_name: "Bench", discriminator: "0" },
    },
    token: `bench-interaction-token-${n}`,
    type: 2,
    version: 1,
  });
}

export function discordHeaders(body, privateKey, timestamp = now()) {
  const signature = sign(null, Buffer.from(`${timestamp}${body}`, "utf8"), privateKey).toString("hex");
  return {
    "content-type": "application/json",
    "x-signature-ed25519": signature,
    "x-signature-timestamp": String(timestamp),
  };
}

export function signedDiscordCommands(path, count, privateKey) {
  return Array.from({ length: count }, (_, n) => {
    const body = discordCommandBody(path, n);
    return { method: "POST", path: "/discord/interactions", headers: discordHeaders(body, privateKey), body };
  });
}

// ----------------------------------------------------------------- GitHub

let examplePr;

/** A `pull_request` `opened` example payload from @octokit/webhooks-examples (a devDependency). */
function pullRequestExample() {
  if (!examplePr) {
    const file = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
    const index = JSON.parse(readFileSync(file, "utf8"));
    const examples = index.find((e) => e.name === "pull_request")?.examples ?? [];
    examplePr = examples.find((e) => e.action === "opened");
    if (!examplePr) throw new Error("no pull_request opened example in @octokit/webhooks-examples");
  }
  return examplePr;
}

/** The body of a `pull_request` `opened` delivery for PR `number` of REPO. */
export function pullRequestBody(number) {
  const base = pullRequestExample();
  const payload = {
    ...base,
    number,
    pull_request: {
      ...base.pull_request,
      number,
      id: 279147437 + number,
      html_url: `https://github.com/${REPO}/pull/${number}`,
      url: `https://api.github.com/repos/${REPO}/pulls/${number}`,
      title: `Bench change ${number}`,
      requested_reviewers: [],
    },
  };
  return JSON.stringify(payload);
}

export function githubHeaders(body, deliveryId, secret = SECRETS.GITHUB_WEBHOOK_SECRET) {
  const mac = createHmac("sha256", secret).update(body).digest("hex");
  return {
    "content-type": "application/json",
    "x-github-event": "pull_request",
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "424242",
    "x-hub-signature-256": `sha256=${mac}`,
  };
}

/** A signed delivery of PR `number` opened, with a fresh (or the given) delivery id. */
export function githubDelivery(number, deliveryId = randomUUID()) {
  const body = pullRequestBody(number);
  return {
    deliveryId,
    request: { method: "POST", path: "/api/webhooks/github", headers: githubHeaders(body, deliveryId), body },
  };
}
