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

/** A GitHub account as `team import` reads it: its public email maps it to a chat user. */
export interface GithubAccount {
  login: string;
  name: string | null;
  /** The account's public email; null when it shows none. */
  email: string | null;
}

/** A chat user found by email (Slack `users.lookupByEmail`, zone from `users.info`). */
export interface DirectoryPerson {
  id: string;
  /** IANA zone from the chat profile, when it has one. */
  tz: string | null;
  name: string | null;
}

/**
 * What `team import` reads outside Foreman, injected by the chat adapter (commands never import
 * integrations). Failures throw the named errors of ./directory-errors.ts.
 */
export interface DirectoryReads {
  /** Logins of the members of `org`'s team `team` (its slug). Throws `TeamNotFoundError`. */
  teamMembers(org: string, team: string): Promise<string[]>;
  githubUser(login: string): Promise<GithubAccount>;
  /** The Slack user with this email (`users.lookupByEmail`, zone from `users.info`); null when there is none. */
  slackUserByEmail(email: string): Promise<DirectoryPerson | null>;
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
  /** GitHub and chat directory reads for `team import`; absent: import is not available here. */
  directoryReads?: DirectoryReads;
}
