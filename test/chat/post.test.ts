/**
 * Chat messages as deliveries (src/chat/post.ts): a Discord post carries its delivery key as the
 * `nonce` Discord de-duplicates on; a reply to a posted
 * message threads on Slack and references it on Discord; edits target the message where it landed.
 */
import { describe, expect, it } from "vitest";
import {
  channelEdit,
  channelMessage,
  directMessage,
  discordDirectMessage,
  nonceOf,
  slackDirectMessage,
} from "../../src/chat/post";
import type { Reply } from "../../src/chat/reply";

const slack = { platform: "slack" as const, workspaceId: "T1", channelId: "C0REVIEWS" };
const discord = { platform: "discord" as const, workspaceId: "111", channelId: "222" };
const hint: Reply = {
  ephemeral: false,
  text: "No one is on the team yet: `/foreman team add @person github:login`.",
  sections: [{ text: "No one is on the team yet: `/foreman team add @person github:login`." }],
  buttons: [],
  tone: "warning",
};

describe("chat messages as deliveries", () => {
  it("Discord: the key is the nonce (at most 25 characters, stable)", () => {
    const post = channelMessage(discord, hint, { key: "rm:acme/api#1:card:r1:a1:discord:111:222" });
    expect(post.action).toBe("channels.messages.create");
    expect(post.body.enforce_nonce).toBe(true);
    expect(String(post.body.nonce).length).toBeLessThanOrEqual(25);
    expect(post.body.nonce).toBe(nonceOf("rm:acme/api#1:card:r1:a1:discord:111:222"));
    expect(nonceOf("a")).not.toBe(nonceOf("b"));
  });

  it("replies thread under a posted message; edits go to where it landed", () => {
    const threaded = channelMessage(slack, hint, {
      replyTo: { channel: "C0REVIEWS", ts: "1700000000.000100" },
    });
    expect(threaded.body).toMatchObject({ channel: "C0REVIEWS", thread_ts: "1700000000.000100" });
    const reply = channelMessage(discord, hint, { replyTo: { channel_id: "222", message_id: "333" } });
    expect(reply.body.message_reference).toEqual({ message_id: "333", fail_if_not_exists: false });

    expect(channelEdit(slack, { channel: "C0REVIEWS", ts: "1.000200" }, hint)).toMatchObject({
      platform: "slack",
      action: "chat.update",
      body: { channel: "C0REVIEWS", ts: "1.000200" },
    });
    expect(channelEdit(discord, { channel_id: "222", message_id: "333" }, hint)).toMatchObject({
      platform: "discord",
      action: "channels.messages.edit",
      body: { channel_id: "222", message_id: "333" },
    });
    // A place of the other platform (or none) cannot be edited.
    expect(channelEdit(slack, { channel_id: "222", message_id: "333" }, hint)).toBeNull();
    expect(slackDirectMessage("U0BOB", hint).body).toMatchObject({ channel: "U0BOB" });
  });

  it("direct messages: a Slack DM posts to the user id; a Discord DM names the recipient (key as nonce)", () => {
    const slackDm = directMessage({ platform: "slack", id: "U0BOB" }, hint, { key: "dm:1" });
    expect(slackDm).toEqual(slackDirectMessage("U0BOB", hint));
    const discordDm = directMessage(
      { platform: "discord", id: "4242" },
      { ...hint, ephemeral: true },
      { key: "dm:1" },
    );
    expect(discordDm).toEqual(discordDirectMessage("4242", hint, { key: "dm:1" }));
    expect(discordDm).toMatchObject({
      platform: "discord",
      action: "users.dm",
      body: { recipient_id: "4242", nonce: nonceOf("dm:1"), enforce_nonce: true },
    });
    // Never ephemeral: a DM has no interaction to be ephemeral in.
    expect(discordDm.body.flags).toBeUndefined();
    expect(discordDm.body.embeds).toEqual(channelMessage(discord, hint).body.embeds);
  });
});
