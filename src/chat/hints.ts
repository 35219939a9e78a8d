/**
 * Command lines Foreman shows outside command replies (review cards in channels), as typed on each
 * platform: Slack takes words and flags, a Discord slash command named options. Command replies are
 * converted from the grammar (commands/syntax.ts); these few are written out both ways, and a test
 * checks each Discord form against that conversion.
 */
import type { ChatPlatform } from "./platform";

/** A command line as typed on each platform. */
export type Hint = Record<ChatPlatform, string>;

export const HINTS = {
  teamAddPerson: {
    slack: "/foreman team add @person github:login",
    discord: "/foreman team add user:@person github:login",
  },
  teamAddLead: {
    slack: "/foreman team add @you github:you --lead",
    discord: "/foreman team add user:@you github:you lead:True",
  },
  reviewAssign: (ref: string): Hint => ({
    slack: `/foreman review assign ${ref}`,
    discord: `/foreman review assign pr:${ref}`,
  }),
} as const;
