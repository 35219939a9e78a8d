/**
 * Connecting a Linear organisation end to end (issue 18): the admin's connect link, Linear's consent
 * screen (`actor=app`), the code exchanged at the fake `/oauth/token`, the organisation asked through
 * @linear/sdk, the token kept sealed in the tenant's Outbox; the application's deliveries at the seed
 * URL routed by organisation to that tenant alone; Foreman's own calls to Linear made with the
 * organisation's token (renewed first when about to expire); and Linear's `OAuthApp` / `revoked`
 * delivery stopping every call with it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { outbox } from "../../src/delivery/stub";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import { signLinear } from "../../src/integrations/linear/verify";
import { directory } from "../../src/tenants/stub";
import { chatContext, run, shown, slack } from "../commands/helpers";
import { delivery, runQueue } from "../delivery/support";
import issueUpdate from "../fixtures/linear/issue-update-state.json";
import { fakeApi } from "../helpers/fake-api";
import { waitFor } from "../helpers/wait";
import { ADMIN, call, ORIGIN } from "./installs-support";

const CLIENT_ID = "lin-install-client-id";
const CLIENT_SECRET = "lin-install-client-s3cret";
const WEBHOOK_SECRET = "test-linear-secret";

function setup(namespace: string) {
  const api = fakeApi(`linear-install-${namespace}`);
  const e: Env = api.env(env, {
    tokens: false,
    extra: { LINEAR_CLIENT_ID: CLIENT_ID, LINEAR_CLIENT_SECRET: CLIENT_SECRET },
  });
  return { api, e };
}

type Ctx = ReturnType<typeof setup>;

interface Org {
  id: string;
  name: string;
  urlKey: string;
}

const org = (n: number, name: string): Org => ({
  id: `1a2b3c4d-0000-4000-8000-${String(n).padStart(12, "0")}`,
  name,
  urlKey: name.toLowerCase(),
});

/** The token endpoint's answer (Linear's access tokens expire; each comes with a refresh token). */
function grant(token: string, extra: Record<string, unknown> = {}) {
  return {
    access_token: token,
    token_type: "Bearer",
    expires_in: 86_399,
    scope: "read write",
    refresh_token: `refresh-of-${token}`,
    ...extra,
  };
}

/** The connect link followed to Linear's consent screen: the state Foreman put in its URL. */
async function startConnect(e: Env, tenant: string): Promise<{ state: string; location: URL }> {
  const link = await call(e, `/api/tenants/${tenant}/connect/linear`, { method: "POST", headers: ADMIN });
  expect(link.status).toBe(201);
  const { url } = (await link.json()) as { url: string };
  expect(new URL(url).pathname).toBe("/linear/install");
  const toLinear = await call(e, url);
  expect(toLinear.status).toBe(302);
  const location = new URL(toLinear.headers.get("Location") ?? "");
  return { state: location.searchParams.get("state") ?? "", location };
}

/** Connect link -> consent -> Linear's redirect back, with the token and the organisation scripted. */
async function connect(
  ctx: Ctx,
  tenant: string,
  organization: Org,
  tokenAnswer: Record<string, unknown>,
): Promise<{ res: Response; text: string }> {
  const { state } = await startConnect(ctx.e, tenant);
  await ctx.api.script("/linear/oauth/token", [{ body: tokenAnswer }]);
  // The SDK's Organization model maps `projectStatuses` (an array Linear always answers).
  await ctx.api.script("/linear/graphql", [
    { body: { data: { organization: { ...organization, projectStatuses: [] } } } },
  ]);
  const res = await call(ctx.e, `/linear/oauth_redirect?code=code-${organization.urlKey}&state=${state}`);
  return { res, text: await res.text() };
}

/** An Issue update of team `key` in `organizationId`, with a fresh `webhookTimestamp`. */
function issueEvent(organizationId: string, key: string): Record<string, unknown> {
  const payload = structuredClone(issueUpdate) as Record<string, unknown> & {
    data: { identifier: string; team: { key: string } };
  };
  payload.data.identifier = `${key}-123`;
  payload.data.team.key = key;
  return { ...payload, organizationId, webhookTimestamp: Date.now() };
}

/** A delivery at the seed URL, signed with the application's webhook secret. */
async function deliver(e: Env, payload: Record<string, unknown>, delivery = crypto.randomUUID()) {
  const body = JSON.stringify(payload);
  const res = await call(e, "/api/webhooks/linear", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Linear-Event": String(payload.type),
      "Linear-Delivery": delivery,
      "Linear-Signature": await signLinear(body, WEBHOOK_SECRET),
    },
    body,
  });
  return { res, delivery, json: (await res.json()) as Record<string, unknown> };
}

function issueUpdateDelivery(tenant: string, title: string): DeliveryMessage {
  return delivery({
    tenant,
    platform: "linear",
    action: "issueUpdate",
    body: { id: "ENG-123", input: { title } },
  });
}

const mutations = async (ctx: Ctx) =>
  (await ctx.api.requests("/linear/graphql")).filter((r) => JSON.stringify(r.json).includes("issueUpdate"));

describe("Connect Linear", () => {
  it("needs a connect link, and sends the admin to Linear's consent screen as the app", async () => {
    const { e } = setup("redirect");
    const bare = await call(e, "/linear/install");
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain("/foreman setup");

    const { location, state } = await startConnect(e, "linear-redirect");
    expect(location.origin + location.pathname).toBe("https://linear.app/oauth/authorize");
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${ORIGIN}/linear/oauth_redirect`,
      response_type: "code",
      actor: "app",
      state,
    });

    const forged = await call(e, `/linear/oauth_redirect?code=x&state=${"L".repeat(43)}`);
    expect(forged.status).toBe(400);
  });

  it("keeps the organisation's token sealed, routes its deliveries to the tenant alone and sends with its token", async () => {
    const ctx = setup("route");
    const { e } = ctx;
    const acme = org(1, "Acme");
    const beta = org(2, "Beta");
    const stranger = org(3, "Stranger");

    const one = await connect(ctx, "linear-route-a", acme, grant("lin_oauth_acme_token"));
    expect(one.res.status, one.text).toBe(200);
    expect(one.text).toContain("Linear connected: Acme");
    const two = await connect(ctx, "linear-route-b", beta, grant("lin_oauth_beta_token"));
    expect(two.res.status, two.text).toBe(200);

    // The code went to the token endpoint next to LINEAR_API_URL; the organisation was asked with the token.
    const [exchange] = await ctx.api.requests("/linear/oauth/token");
    expect(Object.fromEntries(new URLSearchParams(exchange?.body))).toEqual({
      grant_type: "authorization_code",
      code: "code-acme",
      redirect_uri: `${ORIGIN}/linear/oauth_redirect`,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    const [orgQuery] = await ctx.api.requests("/linear/graphql");
    expect(orgQuery?.headers.authorization).toBe("Bearer lin_oauth_acme_token");
    expect(orgQuery?.json).toMatchObject({ query: expect.stringContaining("organization") });

    const installation = await directory(e).installation("linear", acme.id);
    expect(installation).toMatchObject({ tenant: "linear-route-a", name: "Acme", revokedAt: null });
    expect(JSON.stringify(installation)).not.toContain("lin_oauth_acme_token");
    const kept = await outbox(e, "linear-route-a").credentialFor("linear", null);
    expect(kept.state).toBe("active");
    expect(JSON.stringify(kept)).not.toContain("lin_oauth_acme_token");
    expect(JSON.stringify(kept)).not.toContain("refresh-of-lin_oauth_acme_token");

    // Both tenants link team ENG: the events come through the application, no webhook to set up.
    for (const tenant of ["linear-route-a", "linear-route-b"]) {
      const c = chatContext(tenant, { actor: slack("U0ADMIN", "admin"), env: e });
      const linked = await run("link linear ENG", c);
      expect(linked.tone, shown(linked)).not.toBe("error");
      expect(shown(linked)).toContain("come through Foreman's Linear application");
      expect(shown(linked)).not.toContain("fmwh_");
    }

    // Acme's delivery reaches linear-route-a only, though linear-route-b links ENG too.
    const acmeEvent = await deliver(e, issueEvent(acme.id, "ENG"));
    expect(acmeEvent.res.status, JSON.stringify(acmeEvent.json)).toBe(200);
    expect(acmeEvent.json).toMatchObject({ status: "accepted", deliveryId: acmeEvent.delivery, tenants: 1 });
    await waitFor(async () =>
      expect(
        (await coordinator(e, "linear-route-a").webhookDelivery("linear", acmeEvent.delivery))?.status,
      ).not.toBe("pending"),
    );
    expect(await coordinator(e, "linear-route-b").webhookDelivery("linear", acmeEvent.delivery)).toBeNull();

    // An organisation that installed Foreman for no tenant reaches nobody.
    const strange = await deliver(e, issueEvent(stranger.id, "ENG"));
    expect(strange.res.status).toBe(202);
    expect(strange.json).toMatchObject({ status: "ignored" });
    for (const tenant of ["linear-route-a", "linear-route-b"]) {
      expect(await coordinator(e, tenant).webhookDelivery("linear", strange.delivery)).toBeNull();
    }

    // Foreman's own calls for linear-route-a go out with Acme's token, as a Bearer token.
    await runQueue(e, [{ body: issueUpdateDelivery("linear-route-a", "from Acme") }]);
    const sent = await mutations(ctx);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers.authorization).toBe("Bearer lin_oauth_acme_token");
    expect(sent[0]?.json).toMatchObject({
      query: expect.stringContaining("issueUpdate"),
      variables: { id: "ENG-123", input: { title: "from Acme" } },
    });
    await runQueue(e, [{ body: issueUpdateDelivery("linear-route-b", "from Beta") }]);
    expect((await mutations(ctx)).at(-1)?.headers.authorization).toBe("Bearer lin_oauth_beta_token");
  });

  it("stops every call with the token once Linear says the app was revoked", async () => {
    const ctx = setup("revoke");
    const { e } = ctx;
    const gone = org(4, "Gone");
    const tenant = "linear-revoked";
    expect((await connect(ctx, tenant, gone, grant("lin_oauth_gone_token"))).res.status).toBe(200);
    const c = chatContext(tenant, { actor: slack("U0ADMIN", "admin"), env: e });
    expect((await run("link linear ENG", c)).tone).not.toBe("error");
    expect((await deliver(e, issueEvent(gone.id, "ENG"))).res.status).toBe(200);

    const revoked = await deliver(e, {
      type: "OAuthApp",
      action: "revoked",
      organizationId: gone.id,
      oauthClientId: CLIENT_ID,
      createdAt: new Date().toISOString(),
      webhookTimestamp: Date.now(),
    });
    expect(revoked.res.status).toBe(200);
    expect(revoked.json).toMatchObject({ revoked: true });
    expect((await directory(e).installation("linear", gone.id))?.revokedAt).not.toBeNull();
    expect((await outbox(e, tenant).credentialFor("linear", null)).state).toBe("revoked");

    // No call with the revoked token: the delivery ends as a dead letter saying why.
    const before = (await ctx.api.requests("/linear/")).length;
    await runQueue(e, [{ body: issueUpdateDelivery(tenant, "after revoke") }]);
    expect(await ctx.api.requests("/linear/")).toHaveLength(before);
    const dead = await outbox(e, tenant).listDeadLetters(10);
    expect(dead.map((d) => d.lastError).join(" ")).toContain("revoked");

    // The organisation's deliveries reach nobody any more.
    const after = await deliver(e, issueEvent(gone.id, "ENG"));
    expect(after.res.status).toBe(202);
    expect(await coordinator(e, tenant).webhookDelivery("linear", after.delivery)).toBeNull();
  });

  // A revoked organisation's delivery must not leave "revoked" cached: connecting it again counts at once.
  it("routes a reconnected organisation's deliveries again at once", async () => {
    const ctx = setup("reconnect");
    const { e } = ctx;
    const back = org(7, "Back");
    const tenant = "linear-reconnected";
    expect((await connect(ctx, tenant, back, grant("lin_oauth_first_token"))).res.status).toBe(200);
    const c = chatContext(tenant, { actor: slack("U0ADMIN", "admin"), env: e });
    expect((await run("link linear ENG", c)).tone).not.toBe("error");
    const revoked = await deliver(e, {
      type: "OAuthApp",
      action: "revoked",
      organizationId: back.id,
      webhookTimestamp: Date.now(),
    });
    expect(revoked.json).toMatchObject({ revoked: true });
    expect((await deliver(e, issueEvent(back.id, "ENG"))).res.status).toBe(202);

    const again = await connect(ctx, tenant, back, grant("lin_oauth_second_token"));
    expect(again.res.status, again.text).toBe(200);
    expect((await directory(e).installation("linear", back.id))?.revokedAt).toBeNull();
    expect((await outbox(e, tenant).credentialFor("linear", null)).state).toBe("active");
    await runQueue(e, [{ body: issueUpdateDelivery(tenant, "connected again") }]);
    expect((await mutations(ctx)).at(-1)?.headers.authorization).toBe("Bearer lin_oauth_second_token");
    // Fails today: 202 {status: "ignored"} from the cached revoked installation.
    expect((await deliver(e, issueEvent(back.id, "ENG"))).res.status).toBe(200);
  });

  it("renews a token about to expire before sending, and keeps the new one", async () => {
    const ctx = setup("refresh");
    const { e } = ctx;
    const rotating = org(5, "Rotating");
    const tenant = "linear-rotating";
    const first = await connect(
      ctx,
      tenant,
      rotating,
      grant("lin_oauth_old_token", { expires_in: 60, refresh_token: "lin_refresh_a" }),
    );
    expect(first.res.status, first.text).toBe(200);

    await ctx.api.script("/linear/oauth/token", [
      { body: grant("lin_oauth_new_token", { expires_in: 86_399, refresh_token: "lin_refresh_b" }) },
    ]);
    await runQueue(e, [{ body: issueUpdateDelivery(tenant, "renewed") }]);
    const [exchange, refresh, ...more] = await ctx.api.requests("/linear/oauth/token");
    expect(more).toHaveLength(0);
    expect(new URLSearchParams(exchange?.body).get("grant_type")).toBe("authorization_code");
    expect(Object.fromEntries(new URLSearchParams(refresh?.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: "lin_refresh_a",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect((await mutations(ctx)).map((r) => r.headers.authorization)).toEqual([
      "Bearer lin_oauth_new_token",
    ]);
    const kept = await outbox(e, tenant).credentialFor("linear", null);
    expect(kept.state).toBe("active");
    expect(JSON.stringify(kept)).not.toContain("lin_oauth_new_token");

    // The renewed token is the one kept: the next send needs no renewal.
    await runQueue(e, [{ body: issueUpdateDelivery(tenant, "again") }]);
    expect(await ctx.api.requests("/linear/oauth/token")).toHaveLength(2);
    expect((await mutations(ctx)).at(-1)?.headers.authorization).toBe("Bearer lin_oauth_new_token");
  });

  it("refuses an organisation another tenant has connected", async () => {
    const ctx = setup("taken");
    const shared = org(6, "Shared");
    expect((await connect(ctx, "linear-owner", shared, grant("lin_oauth_owner_token"))).res.status).toBe(200);
    const again = await connect(ctx, "linear-other", shared, grant("lin_oauth_other_token"));
    expect(again.res.status, again.text).toBe(409);
    expect((await directory(ctx.e).installation("linear", shared.id))?.tenant).toBe("linear-owner");
    expect((await outbox(ctx.e, "linear-other").credentialFor("linear", null)).state).toBe("none");
    await runQueue(ctx.e, [{ body: issueUpdateDelivery("linear-owner", "still the owner's") }]);
    expect((await mutations(ctx)).at(-1)?.headers.authorization).toBe("Bearer lin_oauth_owner_token");
  });

  it("stores nothing when Linear refuses the code", async () => {
    const ctx = setup("refused");
    const { state } = await startConnect(ctx.e, "linear-refused");
    await ctx.api.script("/linear/oauth/token", [{ status: 400, body: { error: "invalid_grant" } }]);
    const res = await call(ctx.e, `/linear/oauth_redirect?code=stale&state=${state}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("invalid_grant");
    expect(await ctx.api.requests("/linear/graphql")).toHaveLength(0);
    expect(await directory(ctx.e).installationsOf("linear-refused")).toEqual([]);
    expect((await outbox(ctx.e, "linear-refused").credentialFor("linear", null)).state).toBe("none");
  });
});
