#!/usr/bin/env node
/**
 * Registers the Discord slash commands from manifests/discord-commands.json, overwriting all of the
 * application's commands in one request:
 *   PUT {DISCORD_API_URL}/applications/{DISCORD_APPLICATION_ID}/commands                  (global)
 *   PUT {DISCORD_API_URL}/applications/{DISCORD_APPLICATION_ID}/guilds/{guild}/commands    (--guild <id>)
 * Guild commands take effect at once; use them while developing.
 *
 * Variables come from the environment, then from ./.dev.vars (KEY=VALUE lines):
 *   DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN (required), DISCORD_API_URL (default https://discord.com/api/v10).
 * Usage: npm run discord:register [-- --guild <id>] [-- --dry-run]
 */
import { existsSync, readFileSync } from "node:fs";
import { localVar } from "./dev-vars.mjs";

const DEFAULT_API_URL = "https://discord.com/api/v10";
const MAX_RETRY_WAIT_S = 60;
const MANIFEST = new URL("../manifests/discord-commands.json", import.meta.url);
const VERSION = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version ?? "0";
const USAGE = "Usage: node scripts/discord-register.mjs [--guild <guild id>] [--dry-run]";

function die(message) {
  console.error(message);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { guild: undefined, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dry-run") args.dryRun = true;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--guild") args.guild = argv[++i];
    else if (arg.startsWith("--guild=")) args.guild = arg.slice("--guild=".length);
    else die(`Unknown argument "${arg}"\n${USAGE}`);
  }
  if (args.guild !== undefined && !/^\d{17,20}$/.test(args.guild)) {
    die(`--guild needs a guild id (a 17-20 digit snowflake), got "${args.guild ?? ""}"`);
  }
  return args;
}

function loadConfig() {
  const get = localVar;
  return {
    apiUrl: (get("DISCORD_API_URL") ?? DEFAULT_API_URL).replace(/\/+$/, ""),
    applicationId: get("DISCORD_APPLICATION_ID"),
    token: get("DISCORD_BOT_TOKEN")?.replace(/^Bot\s+/i, ""),
  };
}

function describeCommands(commands) {
  const lines = [];
  for (const command of commands) {
    const subs = [];
    for (const option of command.options ?? []) {
      if (option.type === 1) subs.push(option.name);
      if (option.type === 2) for (const sub of option.options ?? []) subs.push(`${option.name} ${sub.name}`);
    }
    const id = command.id ? ` (id ${command.id})` : "";
    lines.push(`  /${command.name}${id}: ${subs.length} subcommands`);
    for (const sub of subs) lines.push(`    /${command.name} ${sub}`);
  }
  return lines.join("\n");
}

async function readBody(res) {
  const text = await res.text();
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

function retryAfterSeconds(res, body) {
  const fromBody = Number(body.json?.retry_after);
  if (Number.isFinite(fromBody) && fromBody >= 0) return fromBody;
  const fromHeader = Number(res.headers.get("retry-after"));
  return Number.isFinite(fromHeader) && fromHeader >= 0 ? fromHeader : 1;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(MANIFEST)) die("manifests/discord-commands.json is missing: run npm run manifests first");
  const commands = JSON.parse(readFileSync(MANIFEST, "utf8"));
  if (args.dryRun) {
    console.log(`Would register ${commands.length} command(s):\n${describeCommands(commands)}`);
    return;
  }

  const config = loadConfig();
  const missing = [
    ["DISCORD_APPLICATION_ID", config.applicationId],
    ["DISCORD_BOT_TOKEN", config.token],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    die(
      `Missing ${missing.join(" and ")}: set ${missing.length > 1 ? "them" : "it"} in the environment or in .dev.vars`,
    );
  }

  const scope = args.guild ? `guild ${args.guild}` : "globally";
  const path = args.guild
    ? `/applications/${config.applicationId}/guilds/${args.guild}/commands`
    : `/applications/${config.applicationId}/commands`;
  const url = `${config.apiUrl}${path}`;
  const request = () =>
    fetch(url, {
      method: "PUT",
      headers: {
        Authorization: `Bot ${config.token}`,
        "Content-Type": "application/json",
        "User-Agent": `DiscordBot (foreman, ${VERSION})`,
      },
      body: JSON.stringify(commands),
      signal: AbortSignal.timeout(30_000),
    });

  let res = await request();
  let body = await readBody(res);
  if (res.status === 429) {
    const wait = retryAfterSeconds(res, body);
    if (wait > MAX_RETRY_WAIT_S) {
      die(
        `Rate limited by Discord for ${Math.ceil(wait)} s (more than ${MAX_RETRY_WAIT_S} s): try again later\n${body.text}`,
      );
    }
    console.log(`Rate limited: retrying once in ${wait} s`);
    await new Promise((done) => setTimeout(done, Math.ceil(wait * 1000)));
    res = await request();
    body = await readBody(res);
  }
  if (!res.ok) {
    const detail = body.json === undefined ? body.text : JSON.stringify(body.json, null, 2);
    const hint = res.status === 401 ? "\nCheck DISCORD_BOT_TOKEN." : "";
    die(`Discord answered ${res.status} ${res.statusText} for PUT ${path}:\n${detail}${hint}`);
  }
  const registered = Array.isArray(body.json) ? body.json : commands;
  console.log(`Registered ${registered.length} command(s) ${scope}:\n${describeCommands(registered)}`);
}

main().catch((error) => die(`Registering the Discord commands failed: ${error?.message ?? error}`));
