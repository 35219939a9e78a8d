/**
 * Posting a Reply into a chat channel (cards, digests, alerts): rendered for the channel's platform
 * and sent through the outbound delivery queue, so it is retried, de-duplicated by key, and lands in
 * the local outbox in demo mode.
 */
import type { Reply } from "../commands/reply";
import { enqueueDelivery } from "../delivery/enqueue";
import type { DeliveryMessage } from "../delivery/types";
import type { Env } from "../env";
import { renderDiscord } from "../integrations/discord/render";
import { renderSlack } from "../integrations/slack/render";
import type { ChannelRef } from "../settings/model";

export interface PostOptions {
  /** Idempotency key: the same key posts once. */
  key: string;
  correlationId: string;
  /** Slack thread to reply in (its parent's ts). */
  threadTs?: string;
}

/** Posts `reply` as a new message in `channel` (ephemeral flags are ignored: channel posts are public). */
export async function postToChannel(
  env: Env,
  tenant: string,
  channel: ChannelRef,
  reply: Reply,
  options: PostOptions,
): Promise<DeliveryMessage> {
  if (channel.platform === "slack") {
    const { text, blocks } = renderSlack(reply);
    const body: Record<string, unknown> = { channel: channel.channelId, text, blocks, unfurl_links: false };
    if (options.threadTs) body.thread_ts = options.threadTs;
    return enqueueDelivery(env, {
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body,
      key: options.key,
      correlationId: options.correlationId,
    });
  }
  const { flags: _ephemeral, ...message } = renderDiscord({ ...reply, ephemeral: false });
  return enqueueDelivery(env, {
    tenant,
    platform: "discord",
    action: "channels.messages.create",
    body: { channel_id: channel.channelId, ...message },
    key: options.key,
    correlationId: options.correlationId,
  });
}

/** Sends `reply` to one Slack user as a direct message from the app (Slack posts to a user id as a DM). */
export async function postDirectSlack(
  env: Env,
  tenant: string,
  userId: string,
  reply: Reply,
  options: PostOptions,
): Promise<DeliveryMessage> {
  const { text, blocks } = renderSlack(reply);
  return enqueueDelivery(env, {
    tenant,
    platform: "slack",
    action: "chat.postMessage",
    body: { channel: userId, text, blocks, unfurl_links: false },
    key: options.key,
    correlationId: options.correlationId,
  });
}
