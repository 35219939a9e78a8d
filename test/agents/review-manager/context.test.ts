/**
 * Keeping reviewers in context: the next review offered after one is submitted (same repository,
 * then smallest), and a snoozed review brought back at the next window.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { unmarked } from "../../../src/chat/markup";
import type { DomainEvent } from "../../../src/events/types";
import { settings } from "../../../src/settings/stub";
import { chatContext, run, slack } from "../../commands/helpers";
import {
  CHANNEL,
  deliver,
  HOUR,
  MONDAY_9,
  postText,
  prEvent,
  reviewManager,
  reviewRequest,
  reviewSubmitted,
  setupTenant,
  slackPosts,
} from "./support";

/** `pull_request.opened` with `lines` changed (GitHub's additions + deletions). */
function opened(number: number, lines: number, at: number): DomainEvent {
  const event = prEvent("opened", { number }, at);
  (event as unknown as { pr: { changedLines: number } }).pr.changedLines = lines;
  return event;
}

describe("keeping reviewers in context", () => {
  it("someone asked on GitHub hears of it once, like anyone Foreman asks", async () => {
    const tenant = "t-ctx-github-request";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const pr = { number: 9, requested: ["bob"] };
    await deliver(h, prEvent("opened", pr, h.clock.t), reviewRequest(pr, { login: "bob" }, h.clock.t));
    const dms = slackPosts(h.sent, "U0BOB").map(postText);
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain("You are asked to review acme/widgets#9 (requested on GitHub).");
    // Foreman asks nobody else: bob's request covers the one reviewer wanted.
    expect(slackPosts(h.sent, "U0CAROL")).toEqual([]);
  });

  it("after a review, the next one waiting is offered: the smallest in the same repository", async () => {
    const tenant = "t-ctx-next";
    await setupTenant(tenant, [{ id: "U0BOB", login: "bob" }]);
    const h = await reviewManager(tenant);
    await deliver(h, opened(1, 40, h.clock.t), opened(2, 400, h.clock.t), opened(3, 25, h.clock.t));
    h.sent.length = 0;
    h.clock.t += HOUR;
    await deliver(h, reviewSubmitted({ number: 1 }, "bob", h.clock.t));
    const next = slackPosts(h.sent, "U0BOB").map(postText);
    expect(next).toHaveLength(1);
    expect(next[0]).toContain("Next in acme/widgets: acme/widgets#3, 25 lines, about 15 min.");
    expect(next[0]).toContain("review.claim:acme/widgets#3");
  });

  it("asked again after changes: a message saying so; with routing off only what matters goes out", async () => {
    const tenant = "t-ctx-again";
    await setupTenant(tenant, [{ id: "U0BOB", login: "bob" }]);
    const h = await reviewManager(tenant);
    await deliver(h, opened(1, 10, h.clock.t), opened(2, 10, h.clock.t));
    h.clock.t += HOUR;
    await deliver(h, reviewSubmitted({ number: 1 }, "bob", h.clock.t, "changes_requested"));
    h.sent.length = 0;
    h.clock.t += HOUR;
    await deliver(h, reviewRequest({ number: 1 }, { login: "bob" }, h.clock.t));
    expect(slackPosts(h.sent, "U0BOB").map(postText).join()).toContain(
      "You are asked to review acme/widgets#1 again (requested on GitHub).",
    );

    // The team pauses the Context Optimizer (routing off): review requests still go out directly, the
    // extras that only batching makes worth sending (the next review, asked again) do not.
    const standing = await coordinator(env, tenant).standingAgents(tenant, { correlationId: "t" });
    if (!standing.ok) throw new Error(standing.error.message);
    const paused = await coordinator(env, tenant).transitionAgent(
      standing.value["context-optimizer"],
      "pause",
      {
        correlationId: "t",
      },
    );
    expect(paused.ok).toBe(true);
    h.sent.length = 0;
    h.clock.t += HOUR;
    await deliver(h, reviewSubmitted({ number: 1 }, "bob", h.clock.t), opened(3, 10, h.clock.t));
    const direct = slackPosts(h.sent, "U0BOB").map(postText);
    expect(direct).toHaveLength(1);
    expect(direct[0]).toContain("You are asked to review acme/widgets#3.");
  });

  it("someone asked while in a focus block is requested on GitHub when it ends (not when urgent)", async () => {
    const tenant = "t-ctx-focus-request";
    await setupTenant(tenant, [{ id: "U0BOB", login: "bob" }]);
    const focus = { days: ["mon"], start: "09:00", end: "11:00" };
    expect(
      (
        await settings(env, tenant).setNotifyPrefs(
          { platform: "slack", id: "U0BOB" },
          { addFocus: focus },
          "t",
        )
      ).ok,
    ).toBe(true);
    const h = await reviewManager(tenant);
    await deliver(
      h,
      opened(1, 10, h.clock.t),
      prEvent("opened", { number: 2, labels: ["hotfix"] }, h.clock.t),
    );
    const requests = (sent: typeof h.sent) =>
      sent.filter((d) => d.action === "pulls.requestReviewers").map((d) => d.body.pull_number);
    expect(requests(h.sent)).toEqual([2]); // the hotfix at once, #1 when the block ends
    const card = JSON.stringify(slackPosts(h.sent).map(postText));
    expect(card).toContain(
      "bob is in a focus block: requested on GitHub when it ends (Mon 2030-01-07 11:00 UTC).",
    );
    h.sent.length = 0;
    h.clock.t = MONDAY_9 + 2 * HOUR;
    await runDurableObjectAlarm(h.stub);
    expect(requests(h.sent)).toEqual([1]);
  });

  it("a snoozed review comes back as a note at the next window", async () => {
    const tenant = "t-ctx-snooze";
    await setupTenant(tenant, [{ id: "U0BOB", login: "bob" }], 8);
    const h = await reviewManager(tenant);
    await deliver(h, opened(5, 120, h.clock.t));
    h.sent.length = 0;
    const snoozed = await h.agent.act({
      verb: "snooze",
      target: "acme/widgets#5",
      actor: { platform: "slack", id: "U0BOB" },
      login: "bob",
      admin: false,
      place: CHANNEL,
      correlationId: "test-snooze",
    });
    expect(snoozed.ok).toBe(true);
    expect(slackPosts(h.sent, "U0BOB")).toEqual([]);

    h.clock.t = MONDAY_9 + 30 * 60_000; // 09:30, the first window
    await runDurableObjectAlarm(h.optimizer);
    const note = slackPosts(h.sent, "U0BOB").map(postText);
    expect(note).toHaveLength(1);
    expect(note[0]).toContain("Back to acme/widgets#5: you snoozed it");
    expect(note[0]).toContain("120 lines");
  });
});

describe("your own queue on /foreman me", () => {
  it("shows what waits for you and a Start button per repository with two or more", async () => {
    const tenant = "t-ctx-me-queue";
    await setupTenant(tenant, [{ id: "U0BOB", login: "bob" }]);
    const h = await reviewManager(tenant);
    await deliver(h, opened(1, 30, h.clock.t), opened(2, 300, h.clock.t));
    const page = await run(
      "me",
      chatContext(tenant, { actor: slack("U0BOB", "bob"), channelId: CHANNEL.channelId }),
    );
    const shown = unmarked(JSON.stringify(page));
    expect(shown).toContain("Your review queue");
    expect(shown).toContain("2 pull requests waiting for your review.");
    expect(page.buttons.map((b) => b.action)).toContain("fm1:review.block:acme/widgets");
    expect(page.buttons.find((b) => b.action === "fm1:review.block:acme/widgets")?.label).toBe(
      "Start 2 in acme/widgets",
    );
  });
});
