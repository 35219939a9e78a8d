/** The two chat platforms and how a user and a channel are named on them: the one definition. */

export type ChatPlatform = "slack" | "discord";

/** A chat user: the platform matters, a Slack id means nothing on Discord. */
export interface ChatUserRef {
  platform: ChatPlatform;
  id: string;
  name?: string;
}

/** A channel in a Slack workspace (team id) or Discord guild. */
export interface ChannelRef {
  platform: ChatPlatform;
  workspaceId: string;
  channelId: string;
}

export const sameUser = (a: ChatUserRef, b: ChatUserRef) => a.platform === b.platform && a.id === b.id;
export const sameChannel = (a: ChannelRef, b: ChannelRef) =>
  a.platform === b.platform && a.workspaceId === b.workspaceId && a.channelId === b.channelId;
