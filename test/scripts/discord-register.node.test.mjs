/**
 * scripts/discord-register.mjs against a local fake Discord API.
 * Run with Node (not vitest/workerd): npx node --test test/scripts/
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/discord-register.mjs", import.meta.url));
const MANIFEST = JSON.parse(
  readFileSync(new URL("../../manifests/discord-commands.json", import.meta.url), "utf8"),
);
const APP = "111111111111111111";
const GUILD = "222222222222222222";

/** Queue of canned answers; every request is recorded. */
let answers = [];
let requests = [];
let server;
let baseUrl;

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now() });
      const answer = answers.shift() ?? { status: 200, body: JSON.parse(body || "[]") };
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  baseUrl = `http://127.0.0.1:${server.address().port}/api/v10`;
});

after(() => new Promise((done) => server.close(done)));

beforeEach(() => {
  answers = [];
  requests = [];
});

/** Runs the script in a fresh directory (for .dev.vars) with only the given environment. */
function run(args = [], env = {}, devVars) {
  const cwd = mkdtempSync(join(tmpdir(), "discord-register-"));
  if (devVars !== undefined) writeFileSync(join(cwd, ".dev.vars"), devVars);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { cwd, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => {
        rmSync(cwd, { recursive: true, force: true });
        done({ code: error ? error.code : 0, stdout, stderr });
      },
    );
  });
}

const env = () => ({ DISCORD_API_URL: baseUrl, DISCORD_APPLICATION_ID: APP, DISCORD_BOT_TOKEN: "tok.en" });
const registered = () => MANIFEST.map((c, i) => ({ ...c, id: `90000000000000000${i}` }));

describe("discord-register", () => {
  it("PUTs the manifest to the global commands endpoint with the bot token", async () => {
    answers.push({ status: 200, body: registered() });
    const { code, stdout, stderr } = await run([], env());
    assert.equal(code, 0, stderr);
    assert.equal(requests.length, 1);
    const [req] = requests;
    assert.equal(req.method, "PUT");
    assert.equal(req.url, `/api/v10/applications/${APP}/commands`);
    assert.equal(req.headers.authorization, "Bot tok.en");
    assert.equal(req.headers["content-type"], "application/json");
    assert.match(req.headers["user-agent"], /^DiscordBot \(/);
    assert.deepEqual(JSON.parse(req.body), MANIFEST);
    assert.match(stdout, /Registered 1 command\(s\) globally/);
    assert.match(stdout, /\/foreman team add/);
    assert.match(stdout, /\/foreman digest schedule/);
  });

  it("uses the guild endpoint with --guild", async () => {
    const { code, stdout } = await run(["--guild", GUILD], env());
    assert.equal(code, 0);
    assert.equal(requests[0].url, `/api/v10/applications/${APP}/guilds/${GUILD}/commands`);
    assert.match(stdout, new RegExp(`in guild ${GUILD}|guild ${GUILD}`));
    const again = await run([`--guild=${GUILD}`], env());
    assert.equal(again.code, 0);
    assert.equal(requests[1].url, `/api/v10/applications/${APP}/guilds/${GUILD}/commands`);
  });

  it("reads .dev.vars when the environment lacks the variables; the environment wins", async () => {
    const devVars = [
      "# local secrets",
      `export DISCORD_APPLICATION_ID="${APP}"`,
      "DISCORD_BOT_TOKEN='from-file' # comment",
      `DISCORD_API_URL=${baseUrl}/`,
    ].join("\n");
    const fromFile = await run([], {}, devVars);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(requests[0].headers.authorization, "Bot from-file");
    assert.equal(requests[0].url, `/api/v10/applications/${APP}/commands`);
    const overridden = await run([], { DISCORD_BOT_TOKEN: "from-env" }, devVars);
    assert.equal(overridden.code, 0, overridden.stderr);
    assert.equal(requests[1].headers.authorization, "Bot from-env");
  });

  it("exits 1 naming the missing variables, without calling Discord", async () => {
    const none = await run([], { DISCORD_API_URL: baseUrl });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Missing DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN/);
    const noToken = await run([], { DISCORD_API_URL: baseUrl, DISCORD_APPLICATION_ID: APP });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /Missing DISCORD_BOT_TOKEN/);
    assert.doesNotMatch(noToken.stderr, /DISCORD_APPLICATION_ID/);
    assert.equal(requests.length, 0);
  });

  it("waits retry_after once on 429, then succeeds", async () => {
    // The header says far longer than the body: a wait well under it can only come from the body,
    // with room for a loaded machine.
    answers.push({
      status: 429,
      headers: { "retry-after": "30" },
      body: { message: "You are being rate limited.", retry_after: 0.3, global: false },
    });
    const { code, stdout, stderr } = await run([], env());
    assert.equal(code, 0, stderr);
    assert.equal(requests.length, 2);
    const waited = requests[1].at - requests[0].at;
    assert.ok(waited >= 250, `waited ${waited} ms`);
    assert.ok(waited < 10_000, `used retry_after from the body, not the header (${waited} ms)`);
    assert.match(stdout, /Rate limited: retrying once/);
    assert.match(stdout, /Registered/);
  });

  it("gives up after a second 429", async () => {
    const limited = { status: 429, body: { message: "You are being rate limited.", retry_after: 0.05 } };
    answers.push(limited, limited);
    const { code, stderr } = await run([], env());
    assert.equal(code, 1);
    assert.equal(requests.length, 2);
    assert.match(stderr, /429/);
    assert.match(stderr, /rate limited/);
  });

  it("prints Discord's error body and exits 1 on failure", async () => {
    answers.push({
      status: 400,
      body: {
        code: 50035,
        message: "Invalid Form Body",
        errors: { 0: { name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME", message: "bad" }] } } },
      },
    });
    const { code, stderr } = await run([], env());
    assert.equal(code, 1);
    assert.match(stderr, /400/);
    assert.match(stderr, /Invalid Form Body/);
    assert.match(stderr, /APPLICATION_COMMAND_INVALID_NAME/);
  });

  it("hints at the token on 401", async () => {
    answers.push({ status: 401, body: { message: "401: Unauthorized", code: 0 } });
    const { code, stderr } = await run([], env());
    assert.equal(code, 1);
    assert.match(stderr, /401: Unauthorized/);
    assert.match(stderr, /DISCORD_BOT_TOKEN/);
  });

  it("rejects a bad --guild and unknown arguments", async () => {
    const bad = await run(["--guild", "abc"], env());
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--guild needs a guild id/);
    const unknown = await run(["--global"], env());
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown argument "--global"/);
    assert.equal(requests.length, 0);
  });

  it("--dry-run lists the commands without variables or requests", async () => {
    const { code, stdout } = await run(["--dry-run"], {});
    assert.equal(code, 0);
    assert.match(stdout, /Would register 1 command/);
    assert.equal(requests.length, 0);
  });
});
