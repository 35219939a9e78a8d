/**
 * The dashboard's read routes: GET /api/reviews (the review queue with SLA state), GET /api/digests
 * (linked channels and their schedules) and GET /api/digests/preview (the digest a channel would get,
 * with its Slack and Discord payloads). Auth, shapes, 400 naming the field, 404, and empty tenants.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import type { ChannelRef } from "../../src/chat/platform";
import { settings } from "../../src/settings/stub";
import {
  CHANNEL,
  deliver,
  type Harness,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
  TEAM,
} from "../agents/review-manager/support";
import { errorOf, jsonOf, newKey, viaWorker } from "./helpers";

interface Reviewer {
  login: string;
  status: string;
  state: string | null;
  dueAtMs: number | null;
  waitingWorkingMs: number;
}
interface QueueBody {
  nowMs: number;
  reviewManager: { agentId: string; status: string } | null;
  counts: { breached: number; atRisk: number };
  items: Array<{
    repo: string;
    number: number;
    title: string;
    state: string | null;
    dueAtMs: number | null;
    waitingWorkingMs: number;
    reviewers: Reviewer[];
  }>;
}
interface ChannelsBody {
  channels: Array<
    ChannelRef & {
      links: Array<{ kind: string; target: string }>;
      schedule: { time: string; tz: string; days: string[] } | null;
      nextAtMs: number | null;
      lastPostedSlotMs: number | null;
    }
  >;
}
interface PreviewBody {
  channel: ChannelRef;
  wouldPost: boolean;
  waiting: number;
  reply: { title?: string; text: string; sections: Array<{ title?: string; lines?: string[] }> };
  slack: { text: string; blocks: Array<{ type: string }> };
  discord: { embeds: Array<{ title?: string }>; components: unknown[] };
}

const as = (tenant: string, key?: string) => (key ? { key } : { headers: { "X-Foreman-Tenant": tenant } });

describe("dashboard read routes need a key", () => {
  for (const path of ["/api/reviews", "/api/digests", "/api/digests/preview?platform=slack&channel=C1"]) {
    it(`GET ${path} without a key is 401`, async () => {
      const res = await viaWorker(path, { key: null });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect((await errorOf(res)).code).toBe("unauthorized");
    });
  }
});

describe("an empty tenant", () => {
  const tenant = "t-dash-empty";

  it("has an empty review queue (not an error) and no Review Manager is started by reading it", async () => {
    const res = await viaWorker("/api/reviews", as(tenant));
    expect(res.status).toBe(200);
    const body = await jsonOf<QueueBody>(res);
    expect(body.reviewManager).toBeNull();
    expect(body.counts).toEqual({ breached: 0, atRisk: 0 });
    expect(body.items).toEqual([]);
    expect(body.nowMs).toBeTypeOf("number");
    const agents = await coordinator(env, tenant).listAgents({});
    expect(agents.ok && agents.value).toEqual([]);
  });

  it("has no digest channels", async () => {
    const res = await viaWorker("/api/digests", as(tenant));
    expect(res.status).toBe(200);
    expect(await jsonOf<ChannelsBody>(res)).toEqual({ channels: [] });
  });

  it("answers 404 for a preview of a channel that is not linked", async () => {
    const res = await viaWorker("/api/digests/preview?platform=slack&channel=C0NOWHERE", as(tenant));
    expect(res.status).toBe(404);
    const err = await errorOf(res);
    expect(err.code).toBe("not_found");
    expect(err.message).toContain("C0NOWHERE");
  });
});

describe("a linked channel without a Review Manager", () => {
  it("previews no digest, says why, and starts no agent", async () => {
    const tenant = "t-dash-no-rm";
    const channel: ChannelRef = { platform: "discord", workspaceId: "G0GUILD", channelId: "1234567890" };
    expect((await settings(env, tenant).link("github", REPO, channel, "test")).ok).toBe(true);
    const res = await viaWorker(
      `/api/digests/preview?platform=discord&channel=${channel.channelId}`,
      as(tenant),
    );
    expect(res.status).toBe(200);
    const body = await jsonOf<PreviewBody>(res);
    expect(body).toMatchObject({ channel, wouldPost: false, waiting: 0 });
    expect(body.reply.text).toContain("No Review Manager is running");
    expect(JSON.stringify(body.discord.embeds)).toContain("No Review Manager is running");
    const agents = await coordinator(env, tenant).listAgents({});
    expect(agents.ok && agents.value).toEqual([]);
  });
});

describe("GET /api/digests/preview validates its query", () => {
  const cases: Array<[string, string]> = [
    ["channel=C1", "platform"],
    ["platform=teams&channel=C1", "platform"],
    ["platform=slack", "channel"],
    ["platform=slack&channel=%3Cscript%3E", "channel"],
  ];
  for (const [query, field] of cases) {
    it(`?${query} is a 400 naming ${field}`, async () => {
      const res = await viaWorker(`/api/digests/preview?${query}`);
      expect(res.status).toBe(400);
      const err = await errorOf(res);
      expect(err.code).toBe("validation_failed");
      expect(err.details?.issues?.map((i) => i.field)).toContain(field);
      expect(err.message).toContain(field);
    });
  }
});

describe("a tenant with a linked channel, a team and an open pull request", () => {
  const tenant = "t-dash-queue";
  let h: Harness;
  let viewer: string;

  beforeAll(async () => {
    await setupTenant(tenant, undefined, 8);
    h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 7, title: "Cache the widget index" }, h.clock.t));
    const schedule = { time: "09:30", tz: "Europe/Berlin", days: ["mon" as const] };
    expect((await settings(env, tenant).setDigest(CHANNEL, schedule, "test")).ok).toBe(true);
    viewer = (await newKey(tenant, "viewer")).key;
  });

  it("GET /api/reviews lists the PR with its reviewer, SLA state and working-time age (viewer key)", async () => {
    // Absolute times (the PR opened at MONDAY_9): each test stands alone, in any order.
    h.clock.t = MONDAY_9 + 2 * HOUR;
    await h.attach();
    const res = await viaWorker("/api/reviews", as(tenant, viewer));
    expect(res.status).toBe(200);
    const body = await jsonOf<QueueBody>(res);
    expect(body.reviewManager).toEqual({ agentId: h.agentId, status: "running" });
    expect(body.nowMs).toBe(h.clock.t);
    expect(body.items).toHaveLength(1);
    const [item] = body.items;
    expect(item).toMatchObject({ repo: REPO, number: 7, title: "Cache the widget index", state: "ok" });
    expect(item?.waitingWorkingMs).toBe(2 * 3_600_000);
    expect(item?.reviewers.length).toBeGreaterThan(0);
    const reviewer = item?.reviewers[0];
    expect(TEAM.map((m) => m.login)).toContain(reviewer?.login);
    expect(reviewer).toMatchObject({ status: "requested", state: "ok", waitingWorkingMs: 2 * 3_600_000 });
    // An 8 h SLA in working hours from Monday 09:00 UTC: breached at 17:00 the same day.
    expect(item?.dueAtMs).toBe(reviewer?.dueAtMs);
    expect(new Date(item?.dueAtMs ?? 0).toISOString()).toBe("2030-01-07T17:00:00.000Z");
  });

  it("turns at_risk, then breached, as working time passes", async () => {
    h.clock.t = MONDAY_9 + 7 * HOUR;
    await h.attach();
    const atRisk = await jsonOf<QueueBody>(await viaWorker("/api/reviews", as(tenant)));
    expect(atRisk.items[0]?.state).toBe("at_risk");
    expect(atRisk.counts).toEqual({ breached: 0, atRisk: 1 });
    h.clock.t = MONDAY_9 + 9 * HOUR;
    await h.attach();
    const breached = await jsonOf<QueueBody>(await viaWorker("/api/reviews", as(tenant)));
    expect(breached.items[0]?.state).toBe("breached");
    expect(breached.counts).toEqual({ breached: 1, atRisk: 0 });
    // The counts cover the whole queue, whatever the page.
    const page = await jsonOf<QueueBody>(await viaWorker("/api/reviews?limit=1", as(tenant)));
    expect(page.counts).toEqual({ breached: 1, atRisk: 0 });
  });

  it("GET /api/digests lists the channel with its link, schedule and next slot", async () => {
    const asked = Date.now();
    const res = await viaWorker("/api/digests", as(tenant, viewer));
    expect(res.status).toBe(200);
    const { channels } = await jsonOf<ChannelsBody>(res);
    expect(channels).toHaveLength(1);
    const [ch] = channels;
    expect(ch).toMatchObject({ ...CHANNEL, lastPostedSlotMs: null });
    expect(ch?.links).toEqual([expect.objectContaining({ kind: "github", target: REPO })]);
    expect(ch?.schedule).toMatchObject({ time: "09:30", tz: "Europe/Berlin", days: ["mon"] });
    const next = new Date(ch?.nextAtMs ?? 0);
    // After the moment it was asked (not after "now": the slot may pass while the test runs).
    expect(next.getTime()).toBeGreaterThan(asked);
    expect(next.getUTCDay()).toBe(1);
    expect(["08:30", "07:30"]).toContain(next.toISOString().slice(11, 16));
  });

  it("GET /api/digests/preview answers the digest and its Slack and Discord payloads", async () => {
    const path = `/api/digests/preview?platform=slack&channel=${CHANNEL.channelId}`;
    const res = await viaWorker(path, as(tenant, viewer));
    expect(res.status).toBe(200);
    const body = await jsonOf<PreviewBody>(res);
    expect(body.channel).toEqual(CHANNEL);
    expect(body.wouldPost).toBe(true);
    expect(body.waiting).toBe(1);
    const queue = await jsonOf<QueueBody>(await viaWorker("/api/reviews", as(tenant)));
    const login = queue.items[0]?.reviewers[0]?.login;
    const id = TEAM.find((m) => m.login === login)?.id;
    const replyText = JSON.stringify(body.reply);
    expect(replyText).toContain("acme/widgets#7");
    expect(replyText).toContain(`<@${id}>`);
    expect(body.slack.blocks[0]?.type).toBe("header");
    expect(JSON.stringify(body.slack.blocks)).toContain("Cache the widget index");
    expect(body.discord.embeds.length).toBeGreaterThan(0);
    expect(JSON.stringify(body.discord.embeds)).toContain("acme/widgets#7");
    expect(body.discord).not.toHaveProperty("flags");
  });

  it("the same channel id on the other platform is not linked: 404", async () => {
    const res = await viaWorker(
      `/api/digests/preview?platform=discord&channel=${CHANNEL.channelId}`,
      as(tenant, viewer),
    );
    expect(res.status).toBe(404);
  });

  it("a tenant key cannot read another tenant's channel", async () => {
    const other = (await newKey("t-dash-other", "viewer")).key;
    const res = await viaWorker(`/api/digests/preview?platform=slack&channel=${CHANNEL.channelId}`, {
      key: other,
    });
    expect(res.status).toBe(404);
    const queue = await jsonOf<QueueBody>(await viaWorker("/api/reviews", { key: other }));
    expect(queue.items).toEqual([]);
  });
});
