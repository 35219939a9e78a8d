import { describe, expect, it } from "vitest";
import { decodeAction } from "../../../src/chat/actions";
import {
  alarmsAt,
  deliver,
  type Harness,
  HOUR,
  MONDAY_9,
  postText,
  prEvent,
  reviewManager,
  reviewSubmitted,
  setupTenant,
  slackPosts,
} from "./support";

const alerts = (h: Harness) => slackPosts(h.sent).filter((d) => postText(d).includes("bottleneck"));

describe("bottleneck alerts", () => {
  it("tells the leads once per episode, with a Rebalance button", async () => {
    const tenant = "t-rev-bottleneck";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const prs = [1, 2, 3, 4, 5, 6].map((number) => ({ number, author: "alice", requested: ["bob"] }));
    await deliver(h, ...prs.map((pr) => prEvent("opened", pr, h.clock.t)));
    // Over capacity but nothing aging yet: no alert.
    await alarmsAt(h, MONDAY_9 + HOUR);
    expect(alerts(h)).toEqual([]);
    await alarmsAt(h, MONDAY_9 + 5 * HOUR);
    const [alert, ...more] = alerts(h);
    expect(more).toEqual([]);
    const text = postText(alert ?? ({} as never));
    expect(text).toContain("<@U0LENA>: bottleneck");
    expect(text).toContain("has 6 open reviews (capacity 5), 6 of them aging");
    const body = alert?.body as { blocks?: Array<{ elements?: Array<{ action_id?: string }> }> };
    const ids = (body.blocks ?? []).flatMap((b) => b.elements ?? []).map((e) => e.action_id ?? "");
    expect(ids.map((id) => decodeAction(id))).toContainEqual({ verb: "review.rebalance", arg: "bob" });
    // The same episode: no second alert.
    await alarmsAt(h, MONDAY_9 + 6 * HOUR);
    expect(alerts(h)).toEqual([]);
    // Back within capacity, then over again: a new episode, told again.
    h.clock.t = MONDAY_9 + 6.5 * HOUR;
    await deliver(h, reviewSubmitted(prs[0] ?? { number: 1 }, "bob", h.clock.t));
    await alarmsAt(h, MONDAY_9 + 7 * HOUR);
    expect(alerts(h)).toEqual([]);
    h.clock.t = MONDAY_9 + 7.2 * HOUR;
    await deliver(h, prEvent("opened", { number: 7, author: "alice", requested: ["bob"] }, h.clock.t));
    await alarmsAt(h, MONDAY_9 + 8 * HOUR);
    expect(alerts(h)).toHaveLength(1);
  });
});
