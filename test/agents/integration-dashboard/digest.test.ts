import { describe, expect, it } from "vitest";
import { unmarked } from "../../../src/chat/markup";
import type { Env } from "../../../src/env";
import { chatContext, run, slack } from "../../commands/helpers";
import { recordingQueue } from "../../delivery/support";
import {
  CHANNEL,
  deliver as deliverToReviewManager,
  HOUR,
  MONDAY_9,
  only,
  prEvent,
  reviewManager,
  setupTenant,
} from "../review-manager/support";
import { closed, dashboard, deliver, opened, review } from "./support";

async function digestText(tenant: string, nowMs: number, overrides: Partial<Env> = {}): Promise<string> {
  const { queue, sent } = recordingQueue();
  const ctx = chatContext(tenant, {
    actor: slack("U0CAROL", "carol"),
    channelId: CHANNEL.channelId,
    env: { ...overrides, OUTBOUND: queue, DEMO_MODE: "true", SLACK_BOT_TOKEN: "" },
    now: new Date(nowMs),
  });
  const answer = await run("digest now", ctx);
  expect(unmarked(answer.text)).toMatch(/^The digest is on its way/);
  return JSON.stringify(only(sent).body);
}

describe("the digest reads the review metrics", () => {
  it("lists what merged in the last 24 h and the slowest repository by first review", async () => {
    const tenant = "t-metrics-digest";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    const d = await dashboard(tenant);
    const nowMs = MONDAY_9 + 10 * HOUR;
    // One PR waiting (the Review Manager's queue) ...
    await deliverToReviewManager(h, prEvent("opened", { number: 1, title: "Still waiting" }, MONDAY_9));
    // ... one merged this morning, one merged two days ago, one merged in a repository of another channel.
    const merged = { number: 9, author: "alice", title: "Merged this morning" };
    const old = { number: 8, author: "alice", title: "Merged long ago" };
    await deliver(
      d,
      opened(merged, MONDAY_9),
      review(merged, "bob", MONDAY_9 + 3 * HOUR, 900),
      closed(merged, MONDAY_9 + 4 * HOUR, true),
      opened(old, MONDAY_9 - 60 * HOUR),
      closed(old, MONDAY_9 - 48 * HOUR, true),
    );
    const elsewhere = closed({ number: 5, title: "Elsewhere" }, MONDAY_9 + HOUR, true);
    await deliver(d, { ...elsewhere, repo: { id: 3, fullName: "acme/elsewhere" } } as typeof elsewhere);

    const text = await digestText(tenant, nowMs);
    expect(text).toContain("Still waiting");
    expect(text).toContain("Merged in the last 24 h: 1");
    expect(text).toContain("acme/widgets#9");
    expect(text).toContain("Merged this morning");
    expect(text).not.toContain("Merged long ago");
    expect(text).not.toContain("Elsewhere");
    expect(text).toContain(
      "Slowest first review (last 7 days): `acme/widgets` (median 3 h over 1 pull request)",
    );
  });

  it("leaves the merged section out when the Integration Dashboard fails, and still posts", async () => {
    const tenant = "t-metrics-digest-down";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliverToReviewManager(h, prEvent("opened", { number: 1, title: "Waiting alone" }, MONDAY_9));
    const down = {
      getByName: () => {
        throw new Error("dashboard unavailable");
      },
    } as unknown as Env["INTEGRATION_DASHBOARD"];
    const text = await digestText(tenant, MONDAY_9 + HOUR, { INTEGRATION_DASHBOARD: down });
    expect(text).toContain("Waiting alone");
    expect(text).not.toContain("Merged in the last 24 h");
    expect(text).not.toContain("Slowest first review");
  });
});
