#!/usr/bin/env node
/**
 * Signs a Discord interaction the way Discord does (Ed25519 over `timestamp + body`) and sends it to
 * a local Foreman, so the interactions endpoint can be tried without Discord.
 *
 *   node scripts/discord-sign.mjs --generate
 *       Prints a fresh key pair: the public key (hex) for DISCORD_PUBLIC_KEY in .dev.vars, and the
 *       private seed (hex) to sign with.
 *   node scripts/discord-sign.mjs --seed <hex> [--url <url>] [--timestamp <unix s>] [--print]
 *                                 (--ping | --file <path> | '<json>')
 *       Signs the body and POSTs it to --url (default http://127.0.0.1:8787/discord/interactions),
 *       printing the status and the response. --print only prints the headers and a curl command.
 *
 * The seed may also come from DISCORD_SIGNING_SEED (environment or .dev.vars). Never use the seed of
 * a real application's key here: Discord does not give out private keys; this pair is for local tests.
 */
import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { localVar } from "./dev-vars.mjs";

const DEFAULT_URL = "http://127.0.0.1:8787/discord/interactions";
/** DER prefixes: PKCS8 of an Ed25519 private key (+ 32-byte seed); SPKI of a public key (+ 32 bytes). */
const PKCS8_PREFIX = "302e020100300506032b657004220420";
const SPKI_PREFIX = "302a300506032b6570032100";
const USAGE = `Usage:
  node scripts/discord-sign.mjs --generate
  node scripts/discord-sign.mjs --seed <hex> [--url <url>] [--timestamp <unix seconds>] [--print] (--ping | --file <path> | '<json>')`;
const PING = { type: 1, id: "1190000000000000099", application_id: "1187423890123456789", version: 1 };

function die(message) {
  console.error(message);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { generate: false, print: false, url: DEFAULT_URL, seed: undefined, body: undefined };
  const next = (i, flag) => argv[i + 1] ?? die(`${flag} needs a value\n${USAGE}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--generate") args.generate = true;
    else if (arg === "--print") args.print = true;
    else if (arg === "--ping") args.body = JSON.stringify(PING);
    else if (arg === "--seed") args.seed = next(i++, arg);
    else if (arg === "--url") args.url = next(i++, arg);
    else if (arg === "--timestamp") args.timestamp = next(i++, arg);
    else if (arg === "--file") args.body = readFileSync(next(i++, arg), "utf8");
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (!arg.startsWith("--") && args.body === undefined) args.body = arg;
    else die(`Unknown argument "${arg}"\n${USAGE}`);
  }
  return args;
}

function generate() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" }).toString("hex");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("hex");
  console.log(`DISCORD_PUBLIC_KEY=${spki.slice(SPKI_PREFIX.length)}`);
  console.log(`DISCORD_SIGNING_SEED=${pkcs8.slice(PKCS8_PREFIX.length)}`);
  console.error(
    "Put DISCORD_PUBLIC_KEY in .dev.vars (restart wrangler dev); sign with --seed <DISCORD_SIGNING_SEED>.",
  );
}

function signRequest(seedHex, body, timestamp) {
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex))
    die("The seed must be 32 bytes as 64 hex characters (see --generate)");
  const key = createPrivateKey({
    key: Buffer.from(PKCS8_PREFIX + seedHex, "hex"),
    format: "der",
    type: "pkcs8",
  });
  const signature = sign(null, Buffer.from(timestamp + body, "utf8"), key).toString("hex");
  return {
    "Content-Type": "application/json",
    "X-Signature-Ed25519": signature,
    "X-Signature-Timestamp": timestamp,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.generate) return generate();
  const seed = args.seed ?? localVar("DISCORD_SIGNING_SEED");
  if (!seed) die(`A signing seed is required (--seed, or DISCORD_SIGNING_SEED)\n${USAGE}`);
  if (args.body === undefined) die(`A body is required (--ping, --file <path> or '<json>')\n${USAGE}`);
  try {
    JSON.parse(args.body);
  } catch {
    console.error("warning: the body is not valid JSON (sent as is; expect a 400)");
  }
  const timestamp = String(args.timestamp ?? Math.floor(Date.now() / 1000));
  const headers = signRequest(seed, args.body, timestamp);
  if (args.print) {
    const quote = (v) => `'${v.replaceAll("'", "'\\''")}'`;
    const h = Object.entries(headers).map(([k, v]) => `-H ${quote(`${k}: ${v}`)}`);
    // printf, not a heredoc: the signature covers the body exactly, without a trailing newline.
    console.log(
      `printf '%s' ${quote(args.body)} | curl -sS -X POST ${h.join(" ")} --data-binary @- ${quote(args.url)}`,
    );
    return;
  }
  const res = await fetch(args.url, { method: "POST", headers, body: args.body });
  console.log(`HTTP ${res.status}`);
  console.log(await res.text());
  if (!res.ok) process.exitCode = 2;
}

main().catch((err) => die(err instanceof Error ? err.message : String(err)));
