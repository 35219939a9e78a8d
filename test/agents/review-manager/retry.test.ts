/**
 * Nobody could be assigned (everyone away or at capacity): Foreman looks again every hour, silently,
 * and assigns as soon as someone can take it — the leads' "please pick someone" card is posted once.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { settings } from "../../../src/settings/stub";
import {
  deliver,
  githubRequests,
  HOUR,
  MONDAY_9,
  only,
  postText,
  prEvent,
  reviewManager,
  setupTenant,
  slackPosts,
} from "./support";

describe("assignment retries", () => {
  it("assigns an hour after nobody could be, once someone is back, without a second card", async () => {
    const tenant = "t-rev-retry";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob", ooo: true },
      { id: "U0LENA", login: "lena", lead: true, ooo: true },
    ]);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 5 }, h.clock.t));
    expect(githubRequests(h.sent)).toEqual([]);
    expect(postText(only(slackPosts(h.sent)))).toContain("Nobody could be assigned to review acme/widgets#5");

    // Still nobody half an hour later: nothing new is said.
    h.sent.length = 0;
    h.clock.t = MONDAY_9 + HOUR / 2;
    await runDurableObjectAlarm(h.stub);
    expect(h.sent).toEqual([]);

    // Bob is back; at the next look he is asked.
    const back = await settings(env, tenant).clearOoo({ platform: "slack", id: "U0BOB" }, "2030-01-07");
    expect(back.ok).toBe(true);
    h.clock.t = MONDAY_9 + HOUR;
    await runDurableObjectAlarm(h.stub);
    await runDurableObjectAlarm(h.stub);
    expect(githubRequests(h.sent)).toMatchObject([{ body: { pull_number: 5, reviewers: ["bob"] } }]);
    const card = postText(only(slackPosts(h.sent)));
    expect(card).toContain("*bob* is asked to review acme/widgets#5");
    expect(card).not.toContain("Nobody could be assigned");
    expect(postText(only(slackPosts(h.sent, "U0BOB")))).toContain("You are asked to review acme/widgets#5");

    // Assigned: no more retries.
    h.sent.length = 0;
    h.clock.t = MONDAY_9 + 3 * HOUR;
    await runDurableObjectAlarm(h.stub);
    expect(githubRequests(h.sent)).toEqual([]);
  });
});
