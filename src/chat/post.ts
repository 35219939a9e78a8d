/**
 * Chat messages as deliveries: a Reply rendered for a channel's platform (a new post, a thread reply,
 * an edit of a posted message, a direct message on Slack or Discord). The builders are pure, so an
 * agent can record the exact message in its delivery ledger in the same step as its decision; `postToChannel`
 * submits one through the tenant's Outbox for callers outside agents (digests, alerts).
 */

import { type Submitted, submitDelivery } from "../delivery/enqueue";
import type { Env } from "../env";
import type { DeliveryRef } from "../platform/http-client";
import { fnv1a64 } from "../platform/ids";
import { renderDiscord } from "./discord/render";
import type { ChannelRef, ChatUserRef } from "./platform";
import type { Reply } from "./reply";
import { renderSlack } from "./slack/render";

/** One platform call that posts or edits a chat message. */
export interface ChatDelivery {
  platform: "slack" | "discord";
  action: string;
  body: Record<string, unknown>;
}

export interface PostOptions {
  /** Idempotency key: the same key posts once. */
  key: string;
  correlationId: string;
  /** A posted message to reply to: in its Slack thread, or as a Discord reply. */
  replyTo?: DeliveryRef;
}

/**
 * `reply` as a new message in `channel` (ephemeral flags are ignored: channel posts are public).
 * `key` becomes Discord's `nonce` (with `enforce_nonce`), so Discord itself drops a second create of
 * the same message sent within minutes; `replyTo` (a posted message) threads a Slack reply under it,
 * or makes a Discord reply to it.
 */
export function channelMessage(
  channel: ChannelRef,
  reply: Reply,
  options: { key?: string; replyTo?: DeliveryRef } = {},
): ChatDelivery {
  if (channel.platform === "slack") {
    const { text, blocks } = renderSlack(reply);
    const body: Record<string, unknown> = { channel: channel.channelId, text, blocks, unfurl_links: false };
    if (options.replyTo?.ts) body.thread_ts = options.replyTo.ts;
    return { platform: "slack", action: "chat.postMessage", body };
  }
  const { flags: _ephemeral, ...message } = renderDiscord({
    ...reply,
    ephemeral: false,
  });
  const body: Record<string, unknown> = { channel_id: channel.channelId, ...message };
  if (options.replyTo?.message_id) {
    body.message_reference = { message_id: options.replyTo.message_id, fail_if_not_exists: false };
  }
  if (options.key) {
    body.nonce = nonceOf(options.key);
    body.enforce_nonce = true;
  }
  return { platform: "discord", action: "channels.messages.create", body };
}

/**
 * An edit in place of a message posted earlier (`ref`: where it landed), or null when `ref` does not
 * name a message of the channel's platform.
 */
export function channelEdit(channel: ChannelRef, ref: DeliveryRef, reply: Reply): ChatDelivery | null {
  if (channel.platform === "slack") {
    if (!ref.channel || !ref.ts) return null;
    const { text, blocks } = renderSlack(reply);
    return {
      platform: "slack",
      action: "chat.update",
      body: { channel: ref.channel, ts: ref.ts, text, blocks },
    };
  }
  if (!ref.channel_id || !ref.message_id) return null;
  const { flags: _ephemeral, ...message } = renderDiscord({
    ...reply,
    ephemeral: false,
  });
  return {
    platform: "discord",
    action: "channels.messages.edit",
    body: { channel_id: ref.channel_id, message_id: ref.message_id, ...message },
  };
}

/** `reply` to one Slack user as a direct message from the app (Slack posts to a user id as a DM). */
export function slackDirectMessage(userId: string, reply: Reply): ChatDelivery {
  const { text, blocks } = renderSlack({ ...reply, ephemeral: false });
  return {
    platform: "slack",
    action: "chat.postMessage",
    body: { channel: userId, text, blocks, unfurl_links: false },
  };
}

/**
 * `reply` to one Discord user as a direct message from the bot (action `users.dm`): the client opens
 * (or finds) the DM channel with `recipient_id`, then posts the rest of the body there. As for channel
 * posts, `key` becomes the message's `nonce` (with `enforce_nonce`).
 */
export function discordDirectMessage(
  userId: string,
  reply: Reply,
  options: { key?: string } = {},
): ChatDelivery {
  // Discord sends a click in a DM without its server, so Foreman could not tell whose it is: a DM
  // carries no buttons and says where they are instead.
  const note =
    reply.buttons.length > 0
      ? "The buttons are on the card in your server, or use `/foreman review mine`."
      : undefined;
  const shown: Reply = { ...reply, ephemeral: false, buttons: [], footer: note ?? reply.footer };
  const { flags: _ephemeral, ...message } = renderDiscord(shown);
  const body: Record<string, unknown> = { recipient_id: userId, ...message };
  if (options.key) {
    body.nonce = nonceOf(options.key);
    body.enforce_nonce = true;
  }
  return { platform: "discord", action: "users.dm", body };
}

/** `reply` to `user` as a direct message on their platform (`key`: the Discord nonce, see above). */
export function directMessage(user: ChatUserRef, reply: Reply, options: { key?: string } = {}): ChatDelivery {
  return user.platform === "slack"
    ? slackDirectMessage(user.id, reply)
    : discordDirectMessage(user.id, reply, options);
}

/** Posts `reply` in `channel` through the tenant's Outbox (see submitDelivery): once per key. */
export async function postToChannel(
  env: Env,
  tenant: string,
  channel: ChannelRef,
  reply: Reply,
  options: PostOptions,
): Promise<Submitted> {
  const post = channelMessage(channel, reply, options);
  return submitDelivery(env, { tenant, ...post, key: options.key, correlationId: options.correlationId });
}

/** Discord nonces are at most 25 characters: a stable digest of the delivery key. */
export function nonceOf(key: string): string {
  return `fm${fnv1a64(key)}`;
}
