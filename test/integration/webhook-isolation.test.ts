/**
 * A tenant sees only repositories it owns (issue 11, section 2), end to end through the Worker: two
 * tenants link the same repository in chat, each gets its own webhook URL and secret from the `link`
 * reply, and each one's signed deliveries reach it alone — through the review queue, the outbox, chat
 * `review list` and the digest. Run both ways round (who links first). Plus: another tenant's secret
 * at a tenant's URL is a 401, and the deployment's secret at the seed URL reaches the default tenant only.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { signGitHub } from "../../src/integrations/github/verify";
import { defaultTenant } from "../../src/tenants/default-tenant";
import { chatContext, run, shown, slack } from "../commands/helpers";
import { setPath } from "../helpers/payloads";
import { jsonOf, newKey, viaWorker } from "../http/helpers";
import { prPayload } from "../reliability/review-setup";

const REPO = "acme/private-api";
const BASE = "http://foreman.test";

interface Team {
  tenant: string;
  workspace: string;
  channel: string;
  viewer: string;
  /** From the `link` reply: the tenant's own webhook path and secret. */
  path: string;
  secret: string;
}

const ctxOf = (t: { tenant: string; workspace: string; channel: string }) =>
  chatContext(t.tenant, {
    actor: slack("U0ADMIN", "admin"),
    place: { workspaceId: t.workspace },
    channelId: t.channel,
  });

/** A tenant with a team of two, whose admin links REPO in chat; the reply carries URL and secret. */
async function team(tenant: string, members: string[]): Promise<Team> {
  const where = {
    tenant,
    workspace: `T0${tenant.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
    channel: "C0REVIEWS",
  };
  const ctx = ctxOf(where);
  for (const login of members) {
    const reply = await run(`team add <@U0${login.toUpperCase()}|${login}> github:${login}`, ctx);
    expect(reply.tone, shown(reply)).not.toBe("error");
  }
  const linked = shown(await run(`link github ${REPO}`, ctx));
  const path = /`[^`]*(\/api\/webhooks\/github\/t\/hk_[a-z2-7]{20})`/.exec(linked)?.[1];
  const secret = /Secret: `(fmwh_[A-Za-z0-9_-]{43})`/.exec(linked)?.[1];
  if (!path || !secret) throw new Error(`no URL or secret in the link reply:\n${linked}`);
  expect(linked).toContain("Waiting for the first signed delivery");
  return { ...where, viewer: (await newKey(tenant, "viewer")).key, path, secret };
}

async function deliver(
  path: string,
  secret: string,
  payload: unknown,
  event = "pull_request",
): Promise<Response> {
  const body = JSON.stringify(payload);
  return exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": crypto.randomUUID(),
        "X-Hub-Signature-256": await signGitHub(body, secret),
      },
      body,
    }),
  );
}

function pr(number: number, title: string) {
  return setPath(prPayload(REPO, number), "pull_request.title", title);
}

async function reviewTitles(t: Team): Promise<string[]> {
  const queue = await jsonOf<{ items: Array<{ title: string }> }>(
    await viaWorker("/api/reviews", { key: t.viewer }),
  );
  return queue.items.map((i) => i.title);
}

async function outboxText(t: Team): Promise<string> {
  return JSON.stringify(await jsonOf(await viaWorker("/api/outbox?limit=1000", { key: t.viewer })));
}

async function digestText(t: Team): Promise<string> {
  const q = `platform=slack&workspace=${t.workspace}&channel=${t.channel}`;
  return JSON.stringify(await jsonOf(await viaWorker(`/api/digests/preview?${q}`, { key: t.viewer })));
}

/** Waits until `t` shows `title` in its review queue and outbox (its own delivery was processed). */
async function shows(t: Team, title: string): Promise<void> {
  await vi.waitFor(
    async () => {
      expect(await reviewTitles(t)).toContain(title);
      expect(await outboxText(t)).toContain(title);
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** `digest now` in the tenant's channel, posted (through the queue) to its outbox. */
async function digestNow(t: Team): Promise<void> {
  expect((await run("digest now", ctxOf(t))).tone).not.toBe("error");
  await vi.waitFor(async () => expect(await outboxText(t)).toContain("Review digest for"), {
    timeout: 15_000,
    interval: 50,
  });
}

/** Nothing of `titles` anywhere `t` can read: REST, chat `review list`, digest, links. */
async function seesNone(t: Team, titles: string[]): Promise<void> {
  const seen = [
    JSON.stringify(await reviewTitles(t)),
    await outboxText(t),
    await digestText(t),
    shown(await run("review list", ctxOf(t))),
    shown(await run("review mine", ctxOf(t))),
  ].join("\n");
  for (const title of titles) expect(seen, `${t.tenant} sees "${title}"`).not.toContain(title);
}

async function scenario(first: string, second: string): Promise<void> {
  // The first tenant links the repository and receives its deliveries.
  const a = await team(first, ["alice", "carol"]);
  const aTitle1 = `${first}: Falcon launch plan`;
  expect((await deliver(a.path, a.secret, pr(101, aTitle1))).status).toBe(200);
  await shows(a, aTitle1);
  expect(shown(await run("links", ctxOf(a)))).not.toContain("waiting for the first signed delivery");

  // The second tenant links the same repository: allowed, with its own URL and secret.
  const b = await team(second, ["bob", "dave"]);
  expect(b.path).not.toBe(a.path);
  expect(b.secret).not.toBe(a.secret);
  expect(shown(await run("links", ctxOf(b)))).toContain("waiting for the first signed delivery");

  const aTitle2 = `${first}: Falcon pricing`;
  const bTitle = `${second}: work on our fork`;
  expect(await jsonOf(await deliver(a.path, a.secret, pr(102, aTitle2)))).toMatchObject({ tenants: 1 });
  expect(await jsonOf(await deliver(b.path, b.secret, pr(201, bTitle)))).toMatchObject({ tenants: 1 });
  await shows(a, aTitle2);
  await shows(b, bTitle);

  // Another tenant's secret at a tenant's URL is refused, whichever way round.
  expect((await deliver(a.path, b.secret, pr(103, `${second}: forged into ${first}`))).status).toBe(401);
  expect((await deliver(b.path, a.secret, pr(202, `${first}: forged into ${second}`))).status).toBe(401);
  // The deployment's secret at a tenant's URL too.
  expect((await deliver(a.path, "test-github-secret", pr(104, "deployment into a tenant"))).status).toBe(401);

  await digestNow(a);
  await digestNow(b);
  await seesNone(b, [aTitle1, aTitle2, `${first}: forged into ${second}`]);
  await seesNone(a, [bTitle, `${second}: forged into ${first}`, "deployment into a tenant"]);
  // B's review manager asked B's member, never A's (and A's asked only A's).
  const requested = (t: Team) => outboxText(t);
  expect(await requested(b)).not.toMatch(/alice|carol/);
  expect(await requested(a)).not.toMatch(/\bbob\b|\bdave\b/);
}

describe("a tenant sees only what its own webhook delivers", () => {
  it("A links acme/private-api first, then B: each one's signed deliveries reach it alone", async () => {
    await scenario("iso-first-a", "iso-first-b");
  });

  it("the other way round: B links first, then A", async () => {
    await scenario("iso-second-b", "iso-second-a");
  });

  it("the deployment's secret at the seed URL reaches the default tenant only", async () => {
    const other = await team("iso-seed-other", ["erin"]);
    const main = defaultTenant(env);
    const ctx = ctxOf({ tenant: main, workspace: "T0ISOSEED", channel: "C0SEED" });
    expect((await run(`link github ${REPO}`, ctx)).tone).not.toBe("error");
    const title = "default tenant: seed delivery";
    const res = await deliver("/api/webhooks/github", "test-github-secret", pr(301, title));
    expect(await jsonOf(res)).toMatchObject({ status: "accepted", tenants: 1 });
    // Active for the default tenant through the deployment's URL; still waiting for the other.
    const state = await jsonOf<{ links: Array<{ target: string; active: boolean; via: string }> }>(
      await viaWorker("/api/webhooks/github/secret", { headers: { "X-Foreman-Tenant": main } }),
    );
    expect(state.links.find((l) => l.target === REPO)).toMatchObject({ active: true, via: "deployment" });
    expect(shown(await run("links", ctxOf(other)))).toContain("waiting for the first signed delivery");
    await seesNone(other, [title]);
    // A tenant's own secret at the seed URL is not the deployment's: refused.
    expect((await deliver("/api/webhooks/github", other.secret, pr(302, "tenant at seed"))).status).toBe(401);
  });
});
