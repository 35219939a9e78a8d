/**
 * The review-rhythm suggestion: from the reviews the Review Manager recorded (driven with GitHub
 * events on its controlled clock), `/foreman me` and the Slack Home tab suggest windows half an hour
 * before when the person actually reviews, with a **Use these windows** button that runs
 * `me notify batched --at …` for whoever clicks it. Showing it changes nothing; too few reviews,
 * windows already theirs, or no Review Manager show nothing, and reading starts no agent.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { argWindows, decodeAction, encodeAction, windowsArg } from "../../src/chat/actions";
import { renderDiscord } from "../../src/chat/discord/render";
import { unmarked } from "../../src/chat/markup";
import type { Reply } from "../../src/chat/reply";
import { renderSlack } from "../../src/chat/slack/render";
import { actionCommand } from "../../src/commands/buttons";
import { homePage } from "../../src/commands/home";
import { forPlatform } from "../../src/commands/syntax";
import { settings } from "../../src/settings/stub";
import {
  deliver,
  type Harness,
  prEvent,
  reviewManager,
  reviewSubmitted,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, click, run, shown, slack } from "./helpers";

const BOB = slack("U0BOB", "bob");
const CAROL = slack("U0CAROL", "carol");
const BUTTON = "fm1:me.windows:0930-1330-1600";
const SUGGESTION =
  "You usually review around 10:00, 14:00 and 16:30 (your last 9 reviews): windows at 09:30, 13:30, 16:00 would have your reviews waiting when you sit down.";
const log = () => {};

/** Bob reviews a pull request opened for him half an hour earlier, at `atMs` by the agent's clock. */
async function bobReviews(h: Harness, number: number, atMs: number): Promise<void> {
  const pr = { number, requested: ["bob"] };
  h.clock.t = atMs - 30 * 60_000;
  await deliver(h, prEvent("opened", pr, h.clock.t));
  h.clock.t = atMs;
  await deliver(h, reviewSubmitted(pr, "bob", atMs));
}

/** Three days (2030-01-07 on) of reviews at 10:00, 14:00 and 16:30 UTC: `count` of them. */
async function reviewDays(h: Harness, count: number, first = 1): Promise<void> {
  const times = [0, 1, 2].flatMap((day) =>
    [
      [10, 0],
      [14, 0],
      [16, 30],
    ].map(([hour = 0, minute = 0]) => Date.UTC(2030, 0, 7 + day, hour, minute)),
  );
  for (const [i, at] of times.slice(first - 1, first - 1 + count).entries())
    await bobReviews(h, 100 + first + i, at);
}

const buttonsOf = (r: Reply) => r.buttons.map((b) => [b.action, b.label]);

describe("the me.windows button", () => {
  it("encodes the windows without colons, rising, and runs me notify batched --at them", () => {
    expect(windowsArg(["09:30", "13:30", "16:00"])).toBe("0930-1330-1600");
    expect(encodeAction("me.windows", "0930-1330-1600")).toBe(BUTTON);
    expect(argWindows("0930-1330-1600")).toEqual(["09:30", "13:30", "16:00"]);
    const action = decodeAction(BUTTON);
    expect(action).toEqual({ verb: "me.windows", arg: "0930-1330-1600" });
    if (action?.verb !== "me.windows") throw new Error("not decoded");
    expect(actionCommand(action)).toEqual({
      name: "me.notify",
      mode: "batched",
      windows: ["09:30", "13:30", "16:00"],
    });
    for (const bad of [
      "fm1:me.windows:",
      "fm1:me.windows:2430",
      "fm1:me.windows:0960",
      "fm1:me.windows:09:30",
      "fm1:me.windows:1330-0930",
      "fm1:me.windows:0930-0930",
      "fm1:me.windows:0100-0200-0300-0400-0500-0600-0700",
    ])
      expect(decodeAction(bad), bad).toBeNull();
    expect(decodeAction("fm1:me.windows:0000-0100-0200-0300-0400-2359")).not.toBeNull();
  });
});

describe("review rhythm on /foreman me and the Home tab", () => {
  it("suggests windows from real reviews; only a click changes them", async () => {
    const tenant = "me-rhythm";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const asBob = chatContext(tenant, { actor: BOB });
    const store = settings(env, tenant);

    // Too few reviews to tell: nothing is said.
    await reviewDays(h, 7);
    const early = await run("me", asBob);
    expect(shown(early)).not.toContain("When you review");
    expect(early.buttons).toEqual([]);

    await reviewDays(h, 2, 8);
    const page = await run("me", asBob);
    const all = shown(page);
    expect(all).toContain(SUGGESTION);
    // The team's default here is immediate (setupTenant): the button says it switches to batched.
    expect(all).toContain(
      "**Use these windows** also switches you to batched: messages reach you as they happen now, and would wait for these windows.",
    );
    expect(all).toContain(
      "Nothing changes unless you click it (or type `/foreman me notify batched --at 09:30,13:30,16:00`).",
    );
    expect(buttonsOf(page)).toEqual([[BUTTON, "Use these windows"]]);
    // Last on the page, right above its button.
    expect(page.sections.at(-1)?.title).toBe("When you review");
    // Showing it changed nothing.
    expect((await store.notifyPrefs(BOB)).own).toEqual({ focus: [], holidays: [] });

    // The Home tab shows the same, with the same button.
    const home = await homePage(asBob, log);
    expect(shown(home.head)).toContain(SUGGESTION);
    expect(buttonsOf(home.head)).toEqual([[BUTTON, "Use these windows"]]);

    // Rendered for Slack and Discord: the button's id, and the typed command in each one's syntax.
    const slackJson = JSON.stringify(renderSlack(page));
    expect(slackJson).toContain(`"action_id":"${BUTTON}"`);
    const discordJson = JSON.stringify(renderDiscord(forPlatform(page, "discord")));
    expect(discordJson).toContain(`"custom_id":"${BUTTON}"`);
    expect(discordJson).toContain("/foreman me notify mode:batched at:09:30,13:30,16:00");

    // Carol has not reviewed: nothing for her.
    const asCarol = chatContext(tenant, { actor: CAROL });
    expect(shown(await run("me", asCarol))).not.toContain("When you review");

    // The click runs `me notify batched --at …` for the clicker.
    const clicked = await click(BUTTON, asBob);
    expect(clicked.tone).toBe("success");
    expect(clicked.replaceOriginal).toBe(true);
    expect(unmarked(clicked.text)).toBe(
      "Changed. Messages now reach you batched: held for the windows at 09:30, 13:30 and 16:00 and sent there as one message.",
    );
    expect((await store.notifyPrefs(BOB)).own).toMatchObject({
      mode: "batched",
      windows: ["09:30", "13:30", "16:00"],
    });
    expect((await store.notifyPrefs(CAROL)).own).toEqual({ focus: [], holidays: [] });
    // Now they are bob's windows: no suggestion any more, on the page or the Home tab.
    const after = await run("me", asBob);
    expect(shown(after)).not.toContain("When you review");
    expect(after.buttons).toEqual([]);
    expect((await homePage(asBob, log)).head.buttons).toEqual([]);

    // A copy of the button clicked by someone else changes their own windows, nobody else's.
    expect((await click(BUTTON, asCarol)).tone).toBe("success");
    expect((await store.notifyPrefs(CAROL)).own).toMatchObject({
      mode: "batched",
      windows: ["09:30", "13:30", "16:00"],
    });
    // …and someone not on the team is told so, with nothing stored.
    const stranger = chatContext(tenant, { actor: slack("U0NOBODY") });
    const refused = await click(BUTTON, stranger);
    expect(shown(refused)).toContain("You are not on the team yet");
    expect(refused.replaceOriginal).toBe(false);
    expect((await store.notifyPrefs(slack("U0NOBODY"))).own).toEqual({ focus: [], holidays: [] });
  });

  it("without a Review Manager nothing is shown, and reading starts none", async () => {
    const tenant = "me-rhythm-none";
    const store = settings(env, tenant);
    expect((await store.addMember({ user: BOB, github: "bob" }, "test")).ok).toBe(true);
    const asBob = chatContext(tenant, { actor: BOB });
    const page = await run("me", asBob);
    expect(shown(page)).not.toContain("When you review");
    expect(page.buttons).toEqual([]);
    await homePage(asBob, log);
    const live = await coordinator(env, tenant).liveAgent("review-manager");
    expect(live).toEqual({ ok: true, value: null });
  });

  it("someone in batched mode sees no note about switching modes", async () => {
    const tenant = "me-rhythm-batched";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const asBob = chatContext(tenant, { actor: BOB });
    await run("me notify batched --at 08:00,12:00", asBob);
    await reviewDays(h, 9);
    const page = await run("me", asBob);
    expect(shown(page)).toContain(SUGGESTION);
    expect(shown(page)).not.toContain("also switches you");
    expect(buttonsOf(page)).toEqual([[BUTTON, "Use these windows"]]);
  });
});
