/**
 * No secret, token or signature in any log line. Real flows run through the Worker's handlers with
 * every secret configured and LOG_LEVEL=debug — a signed Slack command (and a forged one), GitHub
 * webhooks (signed and badly signed), Discord interactions, API calls with bearer keys (good and
 * bad), deliveries to the fake platform APIs (sent and failed), and a deliberate attempt to log
 * credentials — while the console is captured; then the console output and every archived R2 object
 * are searched for each configured secret value, each signature sent, and each token pattern.
 */
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env as baseEnv } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { signGitHub } from "../../src/integrations/github/verify";
import { signSlackBody } from "../../src/integrations/slack/verify";
import { withLogScope } from "../../src/observability/context";
import { flushObservability } from "../../src/observability/flush";
import { logger } from "../../src/observability/logger";
import { REDACTED, redactText, redactValue, secretValues } from "../../src/observability/redact";
import { delivery } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";
import { FIXTURES, generateKeyPair, type KeyPair } from "../integrations/discord/support";
import { commandBody } from "../integrations/slack/support";
import { prOpened } from "../webhooks/support";

const TENANT = "obs-secrets";
const BASE = "http://foreman.test";

/** Every secret the Worker knows, with values no other test uses. */
const SECRETS = {
  ADMIN_API_KEY: "adm-9f8e7d6c5b4a39281706",
  ADMIN_API_KEY_PREVIOUS: "adm-previous-0a1b2c3d4e5f",
  SLACK_SIGNING_SECRET: "slack-signing-5ecret-8c1f2e",
  SLACK_BOT_TOKEN: "xoxb-4242-4242-s3cr3tslacktoken",
  DISCORD_BOT_TOKEN: "MTk4NjIyNDgzNDcxOTI1MjQ4.Gh7kPq.discordBotSecretTokenValue0123456",
  GITHUB_TOKEN: "ghp_s3cretGithubToken0123456789abcd",
  GITHUB_WEBHOOK_SECRET: "gh-webhook-5ecret-77aa",
  GITHUB_WEBHOOK_SECRET_PREVIOUS: "gh-webhook-previous-5ecret-11bb",
  LINEAR_API_KEY: "lin_api_s3cretLinearKey0123456789",
  LINEAR_WEBHOOK_SECRET: "linear-webhook-5ecret-33cc",
  TOKEN_ENCRYPTION_KEY: "c2VjcmV0cy10ZXN0LWVuY3J5cHRpb24ta2V5LTMyYiE=",
  TOKEN_ENCRYPTION_KEY_PREVIOUS: "cHJldmlvdXMtdGVzdC1lbmNyeXB0aW9uLWtleS0zMiE=",
} as const;

/** Credential shapes that must never appear unredacted. */
const PATTERNS: RegExp[] = [
  /fmn_[A-Za-z0-9_-]{6,}/,
  /Bearer\s+(?!\[redacted\])\S/i,
  /xox[abpr]-[A-Za-z0-9]/,
  /\bv0=[0-9a-f]{16,}/,
  /sha256=[0-9a-f]{16,}/,
  /\b[0-9a-f]{128}\b/,
  /ghp_[A-Za-z0-9]{8,}/,
  /lin_api_[A-Za-z0-9]{8,}/,
  /fmwh_[A-Za-z0-9_-]{6,}/,
];

const api = fakeApi("obs-secrets");
const captured: string[] = [];
/** Signatures and keys produced during the flows: none may be logged either. */
const produced: string[] = [];
let env: Env;
let keys: KeyPair;
const spies: { mockRestore(): void }[] = [];

interface Answer {
  status: number;
  text: string;
}

/** Through the Worker's fetch handler, waiting for its background work (and the archive flush). */
async function viaWorker(request: Request): Promise<Answer> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text };
}

function apiRequest(path: string, key: string, body?: unknown): Request {
  const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return new Request(`${BASE}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function slackCommand(text: string, secret: string): Promise<Answer> {
  const body = commandBody(text, {
    team_id: "T0SECRETS",
    response_url: api.responseUrl("commands/T0/1/abc"),
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = await signSlackBody(secret, ts, body);
  produced.push(signature);
  return viaWorker(
    new Request(`${BASE}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
      },
      body,
    }),
  );
}

async function github(secret: string, path = "/api/webhooks/github"): Promise<Answer> {
  const body = JSON.stringify(prOpened("acme/secrets", 9));
  const signature = await signGitHub(body, secret);
  produced.push(signature);
  return viaWorker(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": crypto.randomUUID(),
        "X-Hub-Signature-256": signature,
      },
      body,
    }),
  );
}

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function discord(payload: unknown, forged = false): Promise<Answer> {
  const body = JSON.stringify(payload);
  const ts = String(Math.floor(Date.now() / 1000));
  const signed = new TextEncoder().encode(ts + (forged ? `${body} ` : body));
  const signature = hex(await crypto.subtle.sign({ name: "Ed25519" }, keys.privateKey, signed));
  produced.push(signature);
  return viaWorker(
    new Request(`${BASE}/discord/interactions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Signature-Ed25519": signature,
        "X-Signature-Timestamp": ts,
      },
      body,
    }),
  );
}

async function deliver(messages: DeliveryMessage[]): Promise<void> {
  const batch = createMessageBatch(
    "foreman-outbound",
    messages.map((body, i) => ({ id: `sec-${i}-${body.id}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Every archived object's text, once the isolate's buffered lines were written. */
async function archivedText(): Promise<string> {
  await flushObservability();
  const parts: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.LOGS.list({ prefix: "logs/", cursor });
    for (const o of page.objects) parts.push((await (await env.LOGS.get(o.key))?.text()) ?? "");
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return parts.join("");
}

describe("no secrets in logs", () => {
  beforeAll(async () => {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          captured.push(args.map((a) => (typeof a === "string" ? a : String(a))).join(" "));
        }),
      );
    }
    keys = await generateKeyPair();
    env = api.env(baseEnv, {
      extra: {
        ...SECRETS,
        DISCORD_PUBLIC_KEY: keys.publicKeyHex,
        DISCORD_APPLICATION_ID: FIXTURES.ping.application_id,
        SLACK_BOT_ID: "B0SECRETS",
        SLACK_BOT_USER_ID: "U0SECRETS",
        FOREMAN_DEFAULT_TENANT: TENANT,
        LOG_LEVEL: "debug",
      },
    });
  });

  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
  });

  it("runs real flows, then finds no secret value, signature or token in the console or the archive", async () => {
    // API calls with the bootstrap key and a tenant key; a bad key; a key in a query string.
    const created = await viaWorker(
      apiRequest("/api/keys", SECRETS.ADMIN_API_KEY, { tenant: TENANT, role: "admin", name: "secrets" }),
    );
    expect(created.status).toBe(201);
    const operator = await viaWorker(
      apiRequest("/api/keys", SECRETS.ADMIN_API_KEY, { tenant: TENANT, role: "operator", name: "op" }),
    );
    const tenantKey = (JSON.parse(operator.text) as { key: string }).key;
    produced.push(tenantKey);
    expect(tenantKey).toMatch(/^fmn_/);
    expect((await viaWorker(apiRequest("/api/workflows", tenantKey))).status).toBe(200);
    const previous = await viaWorker(
      apiRequest(`/api/workflows?tenant=${TENANT}`, SECRETS.ADMIN_API_KEY_PREVIOUS),
    );
    expect(previous.status).toBe(200);
    expect((await viaWorker(apiRequest("/api/workflows/create", tenantKey, { name: "wf" }))).status).toBe(
      201,
    );
    expect(
      (await viaWorker(apiRequest("/api/workflows/create", "fmn_wrongwrongwrong", { name: "x" }))).status,
    ).toBe(401);
    expect((await viaWorker(apiRequest(`/api/workflows?token=${tenantKey}`, tenantKey))).status).toBe(200);

    // Slack: a signed command, and one signed with the wrong secret.
    expect((await slackCommand("help", SECRETS.SLACK_SIGNING_SECRET)).status).toBe(200);
    expect((await slackCommand("help", "not-the-signing-secret")).status).toBe(401);

    // GitHub: a signed delivery (current and previous secret), and a badly signed one.
    expect((await github(SECRETS.GITHUB_WEBHOOK_SECRET)).status).toBeLessThan(300);
    expect((await github(SECRETS.GITHUB_WEBHOOK_SECRET_PREVIOUS)).status).toBeLessThan(300);
    expect((await github("wrong-secret")).status).toBe(401);
    // The tenant's own webhook: its secret is made (shown once), used, and never logged.
    const hook = await viaWorker(
      new Request(`${BASE}/api/webhooks/github/secret`, {
        method: "POST",
        headers: { Authorization: `Bearer ${SECRETS.ADMIN_API_KEY}`, "X-Foreman-Tenant": TENANT },
      }),
    );
    expect(hook.status).toBe(201);
    const { secret: hookSecret, path: hookPath } = JSON.parse(hook.text) as { secret: string; path: string };
    produced.push(hookSecret);
    expect((await github(hookSecret, hookPath)).status).toBeLessThan(300);
    expect((await github(SECRETS.GITHUB_WEBHOOK_SECRET, hookPath)).status).toBe(401);

    // Discord: ping, a command, and a forged signature.
    expect((await discord(FIXTURES.ping)).status).toBe(200);
    expect((await discord({ ...FIXTURES.commandHelp, id: "1190000000000000001" })).status).toBe(200);
    expect((await discord(FIXTURES.ping, true)).status).toBe(401);

    // Deliveries to the fake APIs with every token: sent, and failed (500, 401 echoing a token).
    await api.script("/discord/api/v10/channels/", [
      { status: 401, body: { message: `401: Unauthorized Bot ${SECRETS.DISCORD_BOT_TOKEN}` } },
    ]);
    await api.script("/linear/graphql", [
      { status: 500, body: `upstream error for ${SECRETS.LINEAR_API_KEY}` },
    ]);
    const interactionToken = "aW50ZXJhY3Rpb246MTE5MDAwMDAwMDAwMDAwMDAwMTpzZWNyZXQ";
    produced.push(interactionToken);
    await deliver([
      delivery({
        tenant: TENANT,
        platform: "slack",
        action: "chat.postMessage",
        body: { channel: "C1", text: "hi" },
      }),
      delivery({
        tenant: TENANT,
        platform: "github",
        action: "issues.createComment",
        body: { owner: "acme", repo: "secrets", issue_number: 9, body: "hello" },
      }),
      delivery({
        tenant: TENANT,
        platform: "discord",
        action: "channels.messages.create",
        body: { channel_id: "123", content: "hi" },
      }),
      delivery({
        tenant: TENANT,
        platform: "discord",
        action: "webhooks.followup",
        body: { application_id: "1190000000000000000", token: interactionToken, content: "later" },
      }),
      delivery({
        tenant: TENANT,
        platform: "linear",
        action: "commentCreate",
        body: { issueId: "LIN-1", body: "hello" },
      }),
    ]);
    const sent = await api.requests();
    expect(sent.some((r) => r.headers.authorization === `Bearer ${SECRETS.SLACK_BOT_TOKEN}`)).toBe(true);
    expect(sent.some((r) => r.headers.authorization === `Bot ${SECRETS.DISCORD_BOT_TOKEN}`)).toBe(true);

    // A deliberate attempt to log credentials, in every shape.
    const ctx = createExecutionContext();
    await withLogScope(env, ctx, { tenant: TENANT }, async () => {
      logger("test.secrets").error("leak attempt", {
        authorization: `Bearer ${tenantKey}`,
        headers: { "x-hub-signature-256": produced[0], "X-Slack-Signature": "v0=abc" },
        note: `token ${SECRETS.SLACK_BOT_TOKEN} and key ${tenantKey} and ${SECRETS.GITHUB_WEBHOOK_SECRET}`,
        hook: `webhook ${produced.find((p) => p.startsWith("fmwh_"))} sealed with ${SECRETS.TOKEN_ENCRYPTION_KEY}`,
        url: `https://discord.com/api/v10/webhooks/1190000000000000000/${interactionToken}`,
        response: "https://hooks.slack.com/commands/T0/1/abcdefgh",
        error: new Error(`failed with ${SECRETS.ADMIN_API_KEY}`),
        list: [SECRETS.LINEAR_WEBHOOK_SECRET, { password: "hunter2" }],
      });
    });
    await waitOnExecutionContext(ctx);

    const consoleText = captured.join("\n");
    const archive = await archivedText();

    // The flows really ran and were logged (otherwise the search below proves nothing).
    for (const route of [
      "/api/keys",
      "/api/workflows",
      "/slack/events",
      "/api/webhooks/github",
      "/discord/interactions",
    ]) {
      expect(consoleText, route).toContain(`"path":"${route}"`);
      expect(archive, route).toContain(`"path":"${route}"`);
    }
    for (const event of ["delivery.delivered", "delivery.permanent", "delivery.retry"]) {
      expect(consoleText, event).toContain(`"msg":"${event}"`);
    }
    expect(consoleText).toContain('"msg":"leak attempt"');
    expect(archive).toContain('"msg":"leak attempt"');
    expect(consoleText).toContain(REDACTED);

    const values = [...Object.values(SECRETS), ...produced, "hunter2"];
    for (const [where, text] of [
      ["console", consoleText],
      ["archive", archive],
    ] as const) {
      for (const value of values) expect(text.includes(value), `${where} contains ${value}`).toBe(false);
      for (const pattern of PATTERNS) expect(pattern.test(text), `${where} matches ${pattern}`).toBe(false);
    }
  });
});

describe("redaction (pure)", () => {
  it("knows every configured secret, secrets named like one included, and not the public key", () => {
    const values = secretValues({
      ...SECRETS,
      DISCORD_PUBLIC_KEY: "public-key-value-abcdef",
      SLACK_SIGNING_SECRET_PREVIOUS: "rotated-slack-secret-99",
      SHORT_TOKEN: "abc",
      LOG_LEVEL: "debug",
    });
    for (const v of Object.values(SECRETS)) expect(values).toContain(v);
    expect(values).toContain("rotated-slack-secret-99");
    expect(values).toContain("foreman-demo-admin");
    expect(values).not.toContain("public-key-value-abcdef");
    expect(values).not.toContain("abc");
    expect(values).not.toContain("debug");
  });

  it("replaces credential shapes and keeps ordinary text", () => {
    const sig = "a".repeat(128);
    const cases: [string, string][] = [
      ["Authorization: Bearer fmn_abcdefgh12345678", `Authorization: Bearer ${REDACTED}`],
      ["key fmn_abcdefgh12345678 revoked", `key ${REDACTED} revoked`],
      ["token xoxb-123-456-abcdef", `token ${REDACTED}`],
      ["v0=0123456789abcdef0123456789abcdef", `v0=${REDACTED}`],
      [`sha256=${"b".repeat(64)}`, `sha256=${REDACTED}`],
      [`sig ${sig}`, `sig ${REDACTED}`],
      ["ghp_abcdefghijklmnop and lin_api_abcdefgh", `${REDACTED} and ${REDACTED}`],
      ["POST /webhooks/123456/aW50ZXJhY3Rpb24tdG9rZW4 failed", `POST /webhooks/123456/${REDACTED} failed`],
      ["https://hooks.slack.com/commands/T1/2/xyz", `https://hooks.slack.com/${REDACTED}`],
      ["review of acme/api#42 assigned to octocat", "review of acme/api#42 assigned to octocat"],
      ["commit 0123456789abcdef0123456789abcdef01234567", "commit 0123456789abcdef0123456789abcdef01234567"],
    ];
    for (const [input, output] of cases) expect(redactText(input, []), input).toBe(output);
    expect(redactText("the value s3cret-value-1 leaked", ["s3cret-value-1"])).toBe(
      `the value ${REDACTED} leaked`,
    );
  });

  it("replaces fields named like credentials whole, at any depth", () => {
    expect(
      redactValue(
        {
          Authorization: "x",
          nested: { apiKey: "y", X_Signature_Ed25519: "z", empty: "" },
          key: "delivery-key",
        },
        [],
      ),
    ).toEqual({
      Authorization: REDACTED,
      nested: { apiKey: REDACTED, X_Signature_Ed25519: REDACTED, empty: "" },
      key: "delivery-key",
    });
  });
});
