/**
 * The PR title of issue 11 (§3), `Q4 [Approve now](https://evil.example/phish) <@U0VICTIM1>` and
 * more of its kind, through the real paths: a signed-off GitHub event to the tenant's Review
 * Manager (channel card and reviewer DM as enqueued for delivery), `review list`, and the channel's
 * digest, on Slack and on Discord. Every message shows the title as text: no mention, channel
 * reference, special mention, link or formatting comes from it, and a person reads it as written.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderDiscord } from "../../src/chat/discord/render";
import type { DiscordMessage } from "../../src/chat/discord/types";
import type { ChannelRef } from "../../src/chat/platform";
import type { Block } from "../../src/chat/slack/blocks";
import { renderSlack } from "../../src/chat/slack/render";
import type { DeliveryMessage } from "../../src/delivery/types";
import { buildChannelDigest } from "../../src/digest/gather";
import { settings } from "../../src/settings/stub";
import {
  CHANNEL,
  deliver,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, run } from "../commands/helpers";
import { foldSlack, type Read, readDiscord, readSlack } from "../helpers/chat-read";

const ATTACK =
  "Q4 [Approve now](https://evil.example/phish) <@U0VICTIM1> <@U0BOSS|boss> <#C0SECRET> <!here> @everyone <@223456789012345678> *bold* _it_ ~gone~ `code` > not a quote";

/** What must never be live in a message carrying ATTACK. */
const FORBIDDEN = [
  "user:U0VICTIM1",
  "user:U0BOSS",
  "channel:C0SECRET",
  "special:!here",
  "link:https://evil.example/phish",
  "mention:@U0VICTIM1",
  "mention:@223456789012345678",
  "link:https://evil.example/phish",
  "ping:223456789012345678",
  "autolink",
];

/** The digest shortens titles to 80 characters. */
const SHORT = `${ATTACK.slice(0, 79)}…`;

function expectInert(read: Read, platform: "slack" | "discord", title = ATTACK): void {
  for (const f of FORBIDDEN) expect(read.live).not.toContain(f);
  // Formatting from the title: none of its markers is live (Foreman's own `*`/`**` are counted apart).
  expect(
    read.live.filter((l) => l === "fmt:~" || l === "fmt:_" || l === "quote" || l.startsWith("block:")),
  ).toEqual([]);
  expect(read.text).toContain(platform === "slack" ? foldSlack(title) : title);
}

const slackMessage = (d: DeliveryMessage) => d.body as unknown as { text: string; blocks: Block[] };
const discordMessage = (d: DeliveryMessage) => d.body as unknown as DiscordMessage;

describe("a PR title full of markup shows as text everywhere", () => {
  it("on Slack: the channel card, the reviewer's DM, `review list` and the digest", async () => {
    const tenant = "t-inert-slack";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, title: ATTACK }, h.clock.t));

    const slack = h.sent.filter((d) => d.platform === "slack");
    const card = slack.filter((d) => d.body.channel === CHANNEL.channelId);
    const dms = slack.filter((d) => String(d.body.channel).startsWith("U"));
    expect(card.length).toBeGreaterThan(0);
    expect(dms.length).toBeGreaterThan(0);
    for (const d of [...card, ...dms]) {
      const message = slackMessage(d);
      const json = JSON.stringify(message);
      for (const raw of [
        "<@U0VICTIM1>",
        "<#C0SECRET>",
        "<!here>",
        "<https://evil.example",
        "|Approve now>",
      ]) {
        expect(json).not.toContain(raw);
      }
      expect(json).toContain("&lt;@U0VICTIM1&gt;");
      expect(json).toContain("\u2217bold\u2217");
      expectInert(readSlack(message), "slack");
    }

    const ctx = chatContext(tenant, { channelId: CHANNEL.channelId, now: new Date(h.clock.t) });
    expectInert(readSlack(renderSlack(await run("review list", ctx))), "slack");

    const digest = await buildChannelDigest({
      env,
      tenant,
      channel: CHANNEL,
      correlationId: "test-inert",
      nowMs: h.clock.t,
    });
    if (!digest.digest) throw new Error("no digest");
    expectInert(readSlack(renderSlack(digest.digest)), "slack", SHORT);
  });

  it("on Discord: the channel card, `review list` and the digest", async () => {
    const tenant = "t-inert-discord";
    const channel: ChannelRef = {
      platform: "discord",
      workspaceId: "112233445566778899",
      channelId: "998877665544332211",
    };
    const s = settings(env, tenant);
    for (const [id, login, lead] of [
      ["123456789012345678", "bob", false],
      ["123456789012345679", "lena", true],
    ] as const) {
      const added = await s.addMember(
        { user: { platform: "discord", id }, github: login, tz: "UTC", lead },
        "test",
      );
      expect(added.ok).toBe(true);
    }
    expect((await s.link("github", REPO, channel, "test")).ok).toBe(true);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, title: ATTACK }, h.clock.t));

    const posts = h.sent.filter((d) => d.platform === "discord");
    expect(posts.length).toBeGreaterThan(0);
    for (const d of posts) {
      const message = discordMessage(d);
      expect(message.allowed_mentions.parse).toEqual([]);
      for (const id of message.allowed_mentions.users)
        expect(["123456789012345678", "123456789012345679"]).toContain(id);
      const json = JSON.stringify(message);
      expect(json).not.toContain("[Approve now](https://evil.example/phish)");
      expect(json).not.toContain("<@223456789012345678>");
      expectInert(readDiscord(message), "discord");
    }

    const ctx = chatContext(tenant, {
      actor: { platform: "discord", id: "123456789012345678" },
      channelId: channel.channelId,
      place: { workspaceId: channel.workspaceId },
      now: new Date(h.clock.t),
    });
    const list = renderDiscord(await run("review list", ctx));
    expect(list.allowed_mentions.users).not.toContain("223456789012345678");
    expectInert(readDiscord(list), "discord");

    const digest = await buildChannelDigest({
      env,
      tenant,
      channel,
      correlationId: "test-inert",
      nowMs: h.clock.t,
    });
    if (!digest.digest) throw new Error("no digest");
    expectInert(readDiscord(renderDiscord(digest.digest)), "discord", SHORT);
  });
});
