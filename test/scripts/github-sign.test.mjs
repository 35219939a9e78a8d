/**
 * scripts/github-sign.mjs against a local server that checks the signature as Foreman does: a
 * delivery for a tenant's own URL signed with that tenant's secret, and the refusal to sign for a
 * tenant URL without one. Run with Node (not vitest/workerd): npx node --test test/scripts/
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/github-sign.mjs", import.meta.url));
const SECRET = "fmwh_test-secret-of-one-tenant";
const HOOK = "/api/webhooks/github/t/hk_abcdefghijklmnopqrst";

let server;
let base;
const received = [];

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const expected = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
      const given = String(req.headers["x-hub-signature-256"] ?? "");
      const ok =
        given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      received.push({ url: req.url, headers: req.headers, body, ok });
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(ok ? { status: "accepted" } : { error: { code: "unauthorized" } }));
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((done) => server.close(done)));

function runScript(args, env = {}) {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      {
        env: { PATH: process.env.PATH, ...env },
        cwd: fileURLToPath(new URL("../fixtures/", import.meta.url)),
      },
      (error, stdout, stderr) => done({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("scripts/github-sign.mjs", () => {
  it("signs a delivery for a tenant's own URL with its secret, from GitHub's example payload", async () => {
    const args = ["--url", `${base}${HOOK}`, "--secret", SECRET, "--send", "--repo", "acme/private-api"];
    const { code, stdout } = await runScript([...args, "--number", "7", "--title", "Falcon launch"]);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /HTTP 200/);
    const last = received.at(-1);
    assert.equal(last.url, HOOK);
    assert.equal(last.ok, true);
    assert.equal(last.headers["x-github-event"], "pull_request");
    assert.match(String(last.headers["x-github-delivery"]), /^[0-9a-f-]{36}$/);
    const payload = JSON.parse(last.body);
    assert.equal(payload.action, "opened");
    assert.equal(payload.repository.full_name, "acme/private-api");
    assert.equal(payload.pull_request.number, 7);
    assert.equal(payload.pull_request.title, "Falcon launch");
  });

  it("prints a curl command whose signature matches its body", async () => {
    const { code, stdout } = await runScript([
      "--url",
      `${base}${HOOK}`,
      "--secret",
      SECRET,
      "--event",
      "ping",
      "--action",
      "",
    ]);
    assert.equal(code, 0);
    const body = /--data-raw '(.*)'$/.exec(stdout.trim())?.[1]?.replaceAll(`'\\''`, "'");
    const sig = /X-Hub-Signature-256: (sha256=[0-9a-f]{64})/.exec(stdout)?.[1];
    assert.ok(body && sig, stdout);
    assert.equal(sig, `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`);
  });

  it("refuses to sign for a tenant URL without that tenant's secret (the deployment's is not it)", async () => {
    const { code, stderr } = await runScript(["--url", `${base}${HOOK}`, "--send"], {
      GITHUB_WEBHOOK_SECRET: "deployment-secret",
    });
    assert.notEqual(code, 0);
    assert.match(stderr, /tenant's own secret: pass --secret/);
  });

  it("signs for the seed URL with the deployment's GITHUB_WEBHOOK_SECRET; a wrong secret is refused", async () => {
    const { code, stdout } = await runScript(["--url", `${base}/api/webhooks/github`, "--send"], {
      GITHUB_WEBHOOK_SECRET: "deployment-secret",
    });
    assert.notEqual(code, 0);
    assert.match(stdout, /HTTP 401/);
    assert.equal(received.at(-1).url, "/api/webhooks/github");
  });
});
