#!/usr/bin/env node
/**
 * Signs a GitHub webhook delivery the way GitHub does and prints a curl command for it (or sends
 * it), so the webhook endpoints can be tried without GitHub — a tenant's own URL or the seed URL.
 *
 *   node scripts/github-sign.mjs [--url <url>] [--secret <secret>] [--send]
 *                                [--event pull_request] [--action opened] [--repo owner/repo]
 *                                [--number <n>] [--title <text>] [--delivery <id>] [--file <payload.json>]
 *
 * The payload is GitHub's own example for the event and action (@octokit/webhooks-examples, a
 * devDependency) with the repository, number and title set, or the JSON of --file as is.
 * Signature: "sha256=" + hex(HMAC-SHA256(secret, body)).
 *
 * Where to: a tenant's own URL, `…/api/webhooks/github/t/<hook id>`, with that tenant's secret (both
 * from `POST /api/webhooks/github/secret`, or the first `/foreman link github` in chat) — `--secret`
 * is required there. Default: the seed URL http://127.0.0.1:8787/api/webhooks/github, which takes the
 * deployment's GITHUB_WEBHOOK_SECRET (environment or .dev.vars) and reaches the default tenant only.
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { localVar } from "./dev-vars.mjs";
import { printOrSend } from "./signed-request.mjs";

const DEFAULT_URL = "http://127.0.0.1:8787/api/webhooks/github";
const TENANT_URL = /\/api\/webhooks\/github\/t\/[^/]+$/;
const USAGE = `Usage:
  node scripts/github-sign.mjs [--url <url>] [--secret <secret>] [--send] [--event <name>] [--action <action>]
                               [--repo owner/repo] [--number <n>] [--title <text>] [--delivery <id>] [--file <payload.json>]
  A tenant's URL (…/api/webhooks/github/t/<hook id>) needs --secret: that tenant's webhook secret.`;

function die(message) {
  console.error(message);
  process.exit(1);
}

export function parseArgs(argv) {
  const args = {
    url: DEFAULT_URL,
    secret: undefined,
    send: false,
    event: "pull_request",
    action: "opened",
    repo: "acme/widgets",
    number: 1,
    title: undefined,
    delivery: undefined,
    file: undefined,
  };
  const next = (i, flag) => argv[i + 1] ?? die(`${flag} needs a value\n${USAGE}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--send") args.send = true;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (
      ["--url", "--secret", "--event", "--action", "--repo", "--title", "--delivery", "--file"].includes(arg)
    ) {
      args[arg.slice(2)] = next(i++, arg);
    } else if (arg === "--number") args.number = Number(next(i++, arg));
    else die(`Unknown argument "${arg}"\n${USAGE}`);
  }
  if (!Number.isInteger(args.number) || args.number < 1) die(`--number must be a positive integer\n${USAGE}`);
  return args;
}

/** The secret for `url`: --secret, else (seed URL only) the deployment's GITHUB_WEBHOOK_SECRET. */
export function secretFor(args) {
  if (args.secret) return args.secret;
  if (TENANT_URL.test(args.url)) {
    die(
      "A tenant's webhook URL takes that tenant's own secret: pass --secret (from POST /api/webhooks/github/secret)",
    );
  }
  const secret = localVar("GITHUB_WEBHOOK_SECRET");
  if (!secret) die("Set GITHUB_WEBHOOK_SECRET (environment or .dev.vars), or pass --secret");
  return secret;
}

export function signature(secret, body) {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** GitHub's example payload of `event`.`action`, about `repo`#`number`. */
export function examplePayload({ event, action, repo, number, title }) {
  const require = createRequire(import.meta.url);
  const index = JSON.parse(
    readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
  );
  const examples = index.find((e) => e.name === event)?.examples ?? [];
  const found = examples.find((e) => e.action === action) ?? (action ? undefined : examples[0]);
  if (!found) die(`No example of ${event}.${action} in @octokit/webhooks-examples`);
  const payload = structuredClone(found);
  if (payload.repository)
    payload.repository = { ...payload.repository, full_name: repo, name: repo.split("/")[1] };
  const pr = payload.pull_request;
  if (pr) {
    Object.assign(pr, { number, html_url: `https://github.com/${repo}/pull/${number}` });
    if (title !== undefined) pr.title = title;
    payload.number = number;
  }
  return payload;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const secret = secretFor(args);
  const body = args.file
    ? JSON.stringify(JSON.parse(readFileSync(args.file, "utf8")))
    : JSON.stringify(examplePayload(args));
  const headers = {
    "Content-Type": "application/json",
    "X-GitHub-Event": args.event,
    "X-GitHub-Delivery": args.delivery ?? randomUUID(),
    "X-Hub-Signature-256": signature(secret, body),
  };
  await printOrSend({ url: args.url, headers, body, send: args.send });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
