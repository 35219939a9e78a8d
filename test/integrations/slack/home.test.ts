/**
 * The App Home tab shows the person's own review queue (the Review Manager's `reviewQueue({login})`,
 * as `review mine` asks it) with each pull request's buttons, how messages reach them and what is
 * held for them, within Slack's 100 blocks.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodeAction } from "../../../src/chat/actions";
import { reply } from "../../../src/chat/reply";
import type { Block } from "../../../src/chat/slack/blocks";
import { runAction } from "../../../src/commands/run";
import { homeView } from "../../../src/integrations/slack/home";
import { settings } from "../../../src/settings/stub";
import { deliver, prEvent, REPO, reviewManager, setupTenant } from "../../agents/review-manager/support";
import { chatContext, slack } from "../../commands/helpers";

const BOB = slack("U0BOB", "bob");
const log = () => {};

const buttonsOf = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.type === "actions" ? b.elements.map((e) => decodeAction(e.action_id)) : []));
const text = (blocks: Block[]) => JSON.stringify(blocks);

describe("Home tab", () => {
  it("leads with the setup checklist until every step is done", async () => {
    const ctx = chatContext("t-slack-home-setup", { actor: BOB, place: { channelId: "" } });
    const view = await homeView(ctx, log);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const all = text(view.blocks);
    expect(all).toContain("Foreman setup:");
    expect(all.indexOf("Foreman setup:")).toBeLessThan(all.indexOf("Your settings"));
  });

  it("shows the person's review queue with each pull request's buttons, and their messages", async () => {
    const tenant = "t-slack-home-queue";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(
      h,
      prEvent("opened", { number: 7, title: "Fix the widget", requested: ["bob"] }, h.clock.t),
    );
    await deliver(h, prEvent("opened", { number: 8, title: "Carol's own", requested: ["carol"] }, h.clock.t));

    const ctx = chatContext(tenant, { actor: BOB, place: { channelId: "" } });
    const view = await homeView(ctx, log);
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const all = text(view.blocks);
    expect(all).toContain("Your settings");
    expect(all).toContain("*Messages*\\n*immediate* (the team's default): as they happen");
    expect(all).toContain("Held for you");
    expect(all).toContain("Your review queue");
    expect(all).toContain("1 pull request waiting for your review");
    expect(all).toContain(`${REPO}/pull/7`);
    expect(all).not.toContain(`${REPO}/pull/8`);
    expect(all).not.toContain("`/foreman review mine` (pull requests waiting for you");
    const target = `${REPO}#7`;
    expect(buttonsOf(view.blocks)).toEqual([
      { verb: "review.claim", arg: target },
      { verb: "review.reassign", arg: target },
      { verb: "review.snooze", arg: target },
    ]);

    // The buttons work from the Home tab (no channel): Start review, then the view has no Start any more.
    const started = await runAction(`fm1:review.claim:${target}`, ctx);
    expect(started.replaceOriginal).toBe(true);
    const after = await homeView(ctx, log, started);
    expect(buttonsOf(after.blocks)).toEqual([
      { verb: "review.reassign", arg: target },
      { verb: "review.snooze", arg: target },
    ]);
    expect(text(after.blocks)).toContain("(in review)");
    // The click's answer is on top.
    expect(after.blocks[0]).toMatchObject({ type: "section" });
    expect(text(after.blocks.slice(0, 1))).toContain("started the review of");
  });

  it("says what is missing: not on the team, no Review Manager", async () => {
    const tenant = "t-slack-home-missing";
    const stranger = await homeView(chatContext(tenant, { actor: slack("U0NOBODY") }), log);
    expect(text(stranger.blocks)).toContain("You are not on the team yet, so no review is matched to you.");
    await settings(env, tenant).addMember({ user: BOB, github: "bob" }, "test");
    const member = text((await homeView(chatContext(tenant, { actor: BOB }), log)).blocks);
    expect(member).toContain("No Review Manager is running in this workspace");
    expect(member).toContain("*batched* (the team's default)");
    expect(member).toContain("Nothing is held for you right now.");
  });

  it("a notice from a refused click is shown on top, with its tone", async () => {
    const tenant = "t-slack-home-notice";
    await settings(env, tenant).addMember({ user: BOB, github: "bob" }, "test");
    const notice = reply("That pull request is not tracked any more.", { tone: "warning" });
    const view = await homeView(chatContext(tenant, { actor: BOB }), log, notice);
    expect(view.blocks[0]).toMatchObject({
      type: "section",
      text: { text: ":warning: That pull request is not tracked any more." },
    });
  });
});
