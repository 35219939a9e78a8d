/**
 * Review actions from the dashboard (issue 19): POST /api/reviews/{owner}/{repo}/{number}/reassign |
 * snooze | nudge — operator or admin only, the tenant's own PRs only (404), 409 when the action does
 * not apply, the same Review Manager RPCs as the card's buttons, and the audit naming the key or session.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newSignInLink } from "../../src/tenants/dashboard-sessions";
import {
  deliver,
  type Harness,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  reviewManager,
  settled,
  setupTenant,
} from "../agents/review-manager/support";
import { BASE, errorOf, jsonOf, newKey, viaApp, viaWorker } from "./helpers";

interface Result {
  action: string;
  repo: string;
  number: number;
  message: string;
  nudged?: { login: string; role: string; reason: string };
}
interface Queue {
  items: Array<{
    number: number;
    dueAtMs: number | null;
    reviewers: Array<{ login: string; status: string }>;
  }>;
}
interface Audit {
  entries: Array<{ keyId: string; action: string; target: string; status: number }>;
}

const post = (path: string, key: string) => viaWorker(path, { key, method: "POST" });
const queueOf = async (key: string) => jsonOf<Queue>(await viaWorker("/api/reviews", { key }));
const active = (q: Queue, n: number) =>
  q.items
    .find((i) => i.number === n)
    ?.reviewers.filter((r) => ["requested", "in_progress"].includes(r.status)) ?? [];

describe("review actions need an operator key and a valid PR path", () => {
  it("without a key is 401; a viewer key is 403 naming the operator role", async () => {
    expect((await viaWorker(`/api/reviews/${REPO}/1/snooze`, { key: null, method: "POST" })).status).toBe(
      401,
    );
    const viewer = (await newKey("t-act-roles", "viewer")).key;
    const res = await post(`/api/reviews/${REPO}/1/snooze`, viewer);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toContain("operator");
  });

  it("GET /api/reviews lists the actions the caller may take: none for a viewer, all for an operator", async () => {
    const viewer = (await newKey("t-act-roles", "viewer")).key;
    const operator = (await newKey("t-act-roles", "operator")).key;
    const of = async (key: string) =>
      (await jsonOf<{ actions: string[] }>(await viaWorker("/api/reviews", { key }))).actions;
    expect(await of(viewer)).toEqual([]);
    expect(await of(operator)).toEqual(["reassign", "snooze", "nudge"]);
  });

  it("a number that is not a positive integer is a 400 naming it", async () => {
    const operator = (await newKey("t-act-roles", "operator")).key;
    const res = await post(`/api/reviews/${REPO}/abc/reassign`, operator);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details?.issues?.map((i) => i.field)).toContain("number");
  });

  it("a tenant without a Review Manager tracks nothing: 404", async () => {
    const operator = (await newKey("t-act-none", "operator")).key;
    const res = await post(`/api/reviews/${REPO}/1/nudge`, operator);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toContain(`${REPO}#1`);
  });
});

describe("a tenant with a team and open pull requests", () => {
  const tenant = "t-act-queue";
  let h: Harness;
  let operator: { key: string; id: string };
  let admin: string;

  beforeAll(async () => {
    await setupTenant(tenant, undefined, 8);
    h = await reviewManager(tenant);
    await deliver(
      h,
      prEvent("opened", { number: 7, title: "Cache the widget index" }, h.clock.t),
      prEvent("opened", { number: 8, title: "Draft work", draft: true }, h.clock.t),
    );
    operator = await newKey(tenant, "operator");
    admin = (await newKey(tenant, "admin")).key;
  });

  it("unknown PR of the tenant (or another tenant's) is 404", async () => {
    const res = await post(`/api/reviews/${REPO}/999/reassign`, operator.key);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("snooze moves the due time by 2 h and says so", async () => {
    h.clock.t = MONDAY_9 + HOUR;
    await h.attach();
    const before = (await queueOf(operator.key)).items.find((i) => i.number === 7)?.dueAtMs ?? 0;
    const res = await post(`/api/reviews/${REPO}/7/snooze`, operator.key);
    expect(res.status).toBe(200);
    const body = await jsonOf<Result>(res);
    expect(body).toMatchObject({ action: "snooze", repo: REPO, number: 7 });
    expect(body.message).toContain("snoozed the review clock");
    expect(body.message).toContain(`key ${operator.id}`);
    expect(body.message).not.toMatch(/[\uE000-\uE003]/);
    const after = (await queueOf(operator.key)).items.find((i) => i.number === 7)?.dueAtMs ?? 0;
    // Two working hours (UTC, 9 to 17): due Monday 17:00, now Tuesday 11:00.
    expect(new Date(before).toISOString()).toBe("2030-01-07T17:00:00.000Z");
    expect(new Date(after).toISOString()).toBe("2030-01-08T11:00:00.000Z");
  });

  it("snooze of a draft is a 409 saying its clock is paused", async () => {
    const res = await post(`/api/reviews/${REPO}/8/snooze`, operator.key);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain("draft");
  });

  it("reassign moves the review to another member and the audit names the key", async () => {
    const from = active(await queueOf(operator.key), 7)[0]?.login;
    const res = await viaApp(`/api/reviews/${REPO}/7/reassign`, { key: operator.key, method: "POST" });
    expect(res.status).toBe(200);
    const body = await jsonOf<Result>(res);
    expect(body.message).toContain(`Reassigned ${REPO}#7 from`);
    const now = active(await queueOf(operator.key), 7).map((r) => r.login);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(from);
    const audit = await jsonOf<Audit>(await viaWorker("/api/audit", { key: admin }));
    expect(audit.entries).toContainEqual(
      expect.objectContaining({
        keyId: operator.id,
        action: "reviews.reassign",
        target: `${REPO}#7`,
        status: 200,
      }),
    );
  });

  it("nudge messages the reviewer it waits on, once an hour (then 409)", async () => {
    h.sent.length = 0;
    const res = await post(`/api/reviews/${REPO}/7/nudge`, operator.key);
    expect(res.status).toBe(200);
    const body = await jsonOf<Result>(res);
    const waiting = active(await queueOf(operator.key), 7)[0]?.login;
    expect(body.nudged).toEqual({ login: waiting, role: "reviewer", reason: "review" });
    expect(body.message).toContain(`Nudged ${waiting}`);
    await settled(h);
    const again = await post(`/api/reviews/${REPO}/7/nudge`, operator.key);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toContain("within this hour");
  });

  it("a signed-in admin session acts from the dashboard's origin, and the audit names the session", async () => {
    const link = await newSignInLink(env, { origin: BASE, tenant, role: "admin", actor: "slack:U0LENA" });
    const redeemed = await exports.default.fetch(new Request(link, { redirect: "manual" }));
    const cookie = (redeemed.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    const headers = { Cookie: cookie, Origin: BASE, "Sec-Fetch-Site": "same-origin" };
    const res = await viaApp(`/api/reviews/${REPO}/7/snooze`, { key: null, headers, method: "POST" });
    expect(res.status).toBe(200);
    expect((await jsonOf<Result>(res)).message).toContain("lena snoozed");
    const audit = await jsonOf<Audit>(await viaWorker("/api/audit", { key: admin }));
    expect(audit.entries).toContainEqual(
      expect.objectContaining({ keyId: "session:slack:U0LENA", action: "reviews.snooze", status: 200 }),
    );
  });
});

describe("nothing to reassign to", () => {
  it("is a 409 naming why", async () => {
    const tenant = "t-act-alone";
    await setupTenant(tenant, [{ id: "U0BOB", login: "bob" }], 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 3 }, h.clock.t));
    const operator = (await newKey(tenant, "operator")).key;
    const res = await post(`/api/reviews/${REPO}/3/reassign`, operator);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain("Nobody else is free");
  });
});
