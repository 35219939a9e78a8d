/**
 * "Add to Slack" end to end (issue 18): the install page's redirect, Slack's code exchanged at the
 * fake `oauth.v2.access`, the workspace's own tenant and token, its deliveries sent with that token,
 * a second workspace with its own, invites, forged / replayed states, the platform's error page, and
 * `app_uninstalled` stopping every call with the token.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { outbox } from "../../src/delivery/stub";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import { directory } from "../../src/tenants/stub";
import { delivery, recordingQueue, runQueue } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";
import { fixture, send, signedRequest } from "../integrations/slack/support";
import { call, ORIGIN } from "./installs-support";

function setup(namespace: string) {
  const api = fakeApi(namespace);
  const { queue, sent } = recordingQueue();
  const e: Env = api.env(env, {
    tokens: false,
    extra: { SLACK_CLIENT_ID: "111.222", SLACK_CLIENT_SECRET: "slack-client-secret", OUTBOUND: queue },
  });
  return { api, e, sent };
}

/** GET /slack/install: the state Foreman put in Slack's authorize URL. */
async function startInstall(e: Env, query = ""): Promise<{ state: string; location: URL; cookie: string }> {
  const res = await call(e, `/slack/install${query}`);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("Location") ?? "");
  return {
    state: location.searchParams.get("state") ?? "",
    location,
    cookie: res.headers.get("Set-Cookie") ?? "",
  };
}

function grant(team: string, name: string, token: string, installer = "UINSTALLER") {
  return {
    ok: true,
    access_token: token,
    token_type: "bot",
    scope: "commands,chat:write,im:write,users:read,users:read.email,dnd:read,app_mentions:read",
    bot_user_id: "UBOT",
    app_id: "A0FOREMAN",
    team: { id: team, name },
    enterprise: null,
    is_enterprise_install: false,
    authed_user: { id: installer },
  };
}

async function install(ctx: ReturnType<typeof setup>, team: string, name: string, token: string, query = "") {
  const { state } = await startInstall(ctx.e, query);
  await ctx.api.script("/slack/api/oauth.v2.access", [{ body: grant(team, name, token) }]);
  const res = await call(ctx.e, `/slack/oauth_redirect?code=code-${team}&state=${state}`);
  return { res, text: await res.text(), state };
}

/** Sends what was queued through the real consumer (to the fake in this test's namespace). */
async function deliverAll(e: Env, sent: DeliveryMessage[]): Promise<void> {
  await runQueue(
    e,
    sent.splice(0).map((body) => ({ body })),
  );
}

const bearer = (token: string) => `Bearer ${token}`;

describe("Add to Slack", () => {
  it("redirects to Slack's consent screen with Foreman's scopes and a one-time state", async () => {
    const { e } = setup("install-redirect");
    const { location, state, cookie } = await startInstall(e);
    expect(location.origin + location.pathname).toBe("https://slack.com/oauth/v2/authorize");
    expect(location.searchParams.get("client_id")).toBe("111.222");
    expect(location.searchParams.get("scope")?.split(",")).toEqual(
      expect.arrayContaining(["commands", "chat:write", "users:read.email", "im:write"]),
    );
    expect(location.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/slack/oauth_redirect`);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toContain(`foreman_slack_state=${state}`);
    expect(cookie).toContain("HttpOnly");
  });

  it("sends nobody to Slack when it could not keep the token (no encryption key)", async () => {
    const { e, api } = setup("install-nokey");
    const res = await call({ ...e, TOKEN_ENCRYPTION_KEY: "", DEMO_MODE: "false" }, "/slack/install");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("TOKEN_ENCRYPTION_KEY");
    expect(await api.requests("/slack/api/")).toHaveLength(0);
  });

  it("says so when the deployment has no Slack app credentials", async () => {
    const { e } = setup("install-unconfigured");
    const res = await call({ ...e, SLACK_CLIENT_ID: undefined }, "/slack/install");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("SLACK_CLIENT_ID");
  });

  it("gives each workspace its own tenant and token, and sends its posts with that token", async () => {
    const ctx = setup("install-two");
    const one = await install(ctx, "TACME001", "Acme <Corp>", "xoxb-acme-token-1");
    expect(one.res.status, one.text).toBe(200);
    expect(one.text).toContain("Acme &lt;Corp&gt;");
    const two = await install(ctx, "TBETA002", "Beta", "xoxb-beta-token-2");
    expect(two.res.status, two.text).toBe(200);

    const dir = directory(ctx.e);
    const acme = await dir.installation("slack", "TACME001");
    const beta = await dir.installation("slack", "TBETA002");
    expect(acme?.tenant).toBeTruthy();
    expect(beta?.tenant).toBeTruthy();
    expect(acme?.tenant).not.toBe(beta?.tenant);
    expect(await dir.chatTenant("slack", "TACME001")).toBe(acme?.tenant);
    expect(JSON.stringify(acme)).not.toContain("xoxb-");

    // The installers' welcome DMs go out, each with its own workspace's token.
    expect(ctx.sent.map((d) => d.tenant).sort()).toEqual([acme?.tenant, beta?.tenant].sort());
    await deliverAll(ctx.e, ctx.sent);
    const posts = await ctx.api.requests("/slack/api/chat.postMessage");
    const auth = posts.map((r) => r.headers.authorization).sort();
    expect(auth).toEqual([bearer("xoxb-acme-token-1"), bearer("xoxb-beta-token-2")]);

    // A mention in the first workspace is answered with the first workspace's token.
    const mention = fixture("appMention");
    mention.team_id = "TACME001";
    mention.event_id = "Ev0INSTALL1";
    const sentMention = await send(await signedRequest({ body: JSON.stringify(mention), json: true }), ctx.e);
    expect(sentMention.response.status).toBe(200);
    await sentMention.settled;
    const answer = ctx.sent.find((d) => d.action === "chat.postMessage");
    expect(answer?.tenant).toBe(acme?.tenant);
    await deliverAll(ctx.e, ctx.sent);
    const after = await ctx.api.requests("/slack/api/chat.postMessage");
    expect(after.at(-1)?.headers.authorization).toBe(bearer("xoxb-acme-token-1"));

    // The token is kept sealed: the Outbox holds an envelope, never the token.
    const kept = await outbox(ctx.e, acme?.tenant ?? "").credentialFor("slack", null);
    expect(kept.state).toBe("active");
    expect(JSON.stringify(kept)).not.toContain("xoxb-acme-token-1");
  });

  it("refuses a forged, replayed or foreign-browser state and stores nothing", async () => {
    const ctx = setup("install-states");
    const forged = await call(ctx.e, `/slack/oauth_redirect?code=x&state=${"A".repeat(43)}`);
    expect(forged.status).toBe(400);
    expect(await ctx.api.requests("/slack/api/oauth.v2.access")).toHaveLength(0);

    const first = await install(ctx, "TREPLAY1", "Replay", "xoxb-replay-1");
    expect(first.res.status).toBe(200);
    const replay = await call(ctx.e, `/slack/oauth_redirect?code=again&state=${first.state}`);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already been used");

    const { state } = await startInstall(ctx.e);
    const browser = await call(ctx.e, `/slack/oauth_redirect?code=x&state=${state}`, {
      headers: { "Sec-Fetch-Site": "cross-site", Cookie: "foreman_slack_state=someone-elses" },
    });
    expect(browser.status).toBe(400);
    expect(await directory(ctx.e).installation("slack", "TNOBODY1")).toBeNull();
  });

  it("explains a cancelled consent and stores nothing", async () => {
    const ctx = setup("install-denied");
    const { state } = await startInstall(ctx.e);
    const res = await call(ctx.e, `/slack/oauth_redirect?error=access_denied&state=${state}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("nothing was installed");
    const again = await call(ctx.e, `/slack/oauth_redirect?code=x&state=${state}`);
    expect(again.status).toBe(400);
  });

  it("binds a workspace to an existing tenant through a single-use invite", async () => {
    const ctx = setup("install-invite");
    const tenant = "invited-team";
    const created = await call(ctx.e, `/api/tenants/${tenant}/invites`, {
      method: "POST",
      headers: { Authorization: "Bearer test-admin-key", "Content-Type": "application/json" },
      body: JSON.stringify({ expiresInHours: 24 }),
    });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    const query = new URL(url).search;
    const done = await install(ctx, "TINVITE1", "Invited", "xoxb-invited-1", query);
    expect(done.res.status, done.text).toBe(200);
    expect((await directory(ctx.e).installation("slack", "TINVITE1"))?.tenant).toBe(tenant);

    const used = await call(ctx.e, `/slack/install${query}`);
    expect(used.status).toBe(410);
    expect(await used.text()).toContain("already been used");
    const unknown = await call(ctx.e, `/slack/install?invite=${"B".repeat(43)}`);
    expect(unknown.status).toBe(404);
  });

  it("stops every call with the token once the app is uninstalled", async () => {
    const ctx = setup("install-uninstall");
    await install(ctx, "TGONE001", "Gone", "xoxb-gone-token-1");
    const tenant = (await directory(ctx.e).installation("slack", "TGONE001"))?.tenant ?? "";
    ctx.sent.splice(0);

    const event = {
      token: "x",
      team_id: "TGONE001",
      api_app_id: "A0FOREMAN",
      event: { type: "app_uninstalled", event_ts: "1700000000.000100" },
      type: "event_callback",
      event_id: "Ev0GONE001",
      event_time: 1700000000,
      authorizations: [{ team_id: "TGONE001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
    };
    const uninstalled = await send(await signedRequest({ body: JSON.stringify(event), json: true }), ctx.e);
    expect(uninstalled.response.status).toBe(200);
    await uninstalled.settled;
    expect((await directory(ctx.e).installation("slack", "TGONE001"))?.revokedAt).not.toBeNull();

    const before = (await ctx.api.requests("/slack/api/")).length;
    const post = delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C0GONE", text: "after uninstall" },
    });
    await runQueue(ctx.e, [{ body: post }]);
    expect(await ctx.api.requests("/slack/api/")).toHaveLength(before);
    const dead = await outbox(ctx.e, tenant).listDeadLetters(10);
    expect(dead.map((d) => d.lastError).join(" ")).toContain("revoked");
  });

  it("renews a rotating token about to expire before sending, and keeps the new one", async () => {
    const ctx = setup("install-rotation");
    const { state } = await startInstall(ctx.e);
    await ctx.api.script("/slack/api/oauth.v2.access", [
      {
        body: {
          ...grant("TROTATE1", "Rotating", "xoxe.xoxb-old-token"),
          refresh_token: "xoxe-1-refresh-a",
          expires_in: 120,
        },
      },
      {
        body: {
          ...grant("TROTATE1", "Rotating", "xoxe.xoxb-new-token"),
          refresh_token: "xoxe-1-refresh-b",
          expires_in: 43_200,
        },
      },
    ]);
    expect((await call(ctx.e, `/slack/oauth_redirect?code=rot&state=${state}`)).status).toBe(200);
    await deliverAll(ctx.e, ctx.sent);
    const [exchange, refresh] = await ctx.api.requests("/slack/api/oauth.v2.access");
    expect(new URLSearchParams(exchange?.body).get("code")).toBe("rot");
    expect(new URLSearchParams(refresh?.body).get("grant_type")).toBe("refresh_token");
    expect(new URLSearchParams(refresh?.body).get("refresh_token")).toBe("xoxe-1-refresh-a");
    const posts = await ctx.api.requests("/slack/api/chat.postMessage");
    expect(posts.map((p) => p.headers.authorization)).toEqual([bearer("xoxe.xoxb-new-token")]);

    // The renewed token is the one kept: the next send needs no renewal.
    const tenant = (await directory(ctx.e).installation("slack", "TROTATE1"))?.tenant ?? "";
    await runQueue(ctx.e, [
      {
        body: delivery({
          tenant,
          platform: "slack",
          action: "chat.postMessage",
          body: { channel: "C0ROT", text: "again" },
        }),
      },
    ]);
    expect(await ctx.api.requests("/slack/api/oauth.v2.access")).toHaveLength(2);
    expect((await ctx.api.requests("/slack/api/chat.postMessage")).at(-1)?.headers.authorization).toBe(
      bearer("xoxe.xoxb-new-token"),
    );
  });

  it("re-seals installs' tokens under a rotated TOKEN_ENCRYPTION_KEY", async () => {
    const ctx = setup("install-reseal");
    await install(ctx, "TRESEAL1", "Reseal", "xoxb-reseal-token-1");
    const tenant = (await directory(ctx.e).installation("slack", "TRESEAL1"))?.tenant ?? "";
    ctx.sent.splice(0);
    const fresh = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const rotated = {
      ...ctx.e,
      TOKEN_ENCRYPTION_KEY: fresh,
      TOKEN_ENCRYPTION_KEY_PREVIOUS: ctx.e.TOKEN_ENCRYPTION_KEY,
    };
    const res = await call(rotated, `/api/webhooks/reencrypt?tenant=${tenant}`, {
      method: "POST",
      headers: { Authorization: "Bearer test-admin-key" },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { tokens: { tokens: number; resealed: number; failed: unknown[] } };
    expect(report.tokens).toEqual({ tokens: 1, resealed: 1, failed: [] });

    // Only the new key is left: the token still opens, and goes out.
    const onlyNew = { ...rotated, TOKEN_ENCRYPTION_KEY_PREVIOUS: undefined };
    const post = delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C0RESEAL", text: "after rotation" },
    });
    await runQueue(onlyNew, [{ body: post }]);
    const posts = await ctx.api.requests("/slack/api/chat.postMessage");
    expect(posts.at(-1)?.headers.authorization).toBe(bearer("xoxb-reseal-token-1"));
  });
});
