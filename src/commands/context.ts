/** Who asked, where, for which tenant: what every command handler and button action receives. */
import type { ChatPlatform } from "../chat/platform";
import type { ChatUser } from "../domain/values";
import type { Env } from "../env";

export interface ChatPlace {
  platform: ChatPlatform;
  /** Slack team_id or Discord guild_id. */
  workspaceId: string;
  channelId: string;
}

export interface CommandContext {
  env: Env;
  tenant: string;
  actor: ChatUser;
  place: ChatPlace;
  correlationId: string;
  /**
   * Platform-level admin signal: Slack workspace admin/owner (looked up with the bot token when
   * there is one), Discord member with Manage Server (permission bit 0x20 of the interaction member).
   */
  platformAdmin: () => Promise<boolean>;
  now: Date;
  /** The URL the chat request reached Foreman at (its origin is where platforms reach it); unknown in tests. */
  requestUrl?: string;
}
