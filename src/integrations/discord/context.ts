/** Who clicked or typed, where, and whether they administer the server: a Discord CommandContext. */

import { ADMINISTRATOR, type InvokedInteraction, MANAGE_GUILD } from "../../chat/discord/types";
import type { CommandContext } from "../../commands/context";
import type { ChatUser } from "../../domain/values";
import type { Env } from "../../env";

/** The invoking user: `member.user` in a server, `user` in DMs. */
export function actorOf(interaction: InvokedInteraction): ChatUser | null {
  const user = interaction.member?.user ?? interaction.user;
  if (!user) return null;
  return { platform: "discord", id: user.id, name: user.username };
}

/** Manage Server (0x20) or Administrator (0x8) in the member's permissions for this channel. */
export function hasAdminPermission(permissions: string | undefined): boolean {
  if (permissions === undefined || !/^\d{1,20}$/.test(permissions)) return false;
  const bits = BigInt(permissions);
  return (bits & (MANAGE_GUILD | ADMINISTRATOR)) !== 0n;
}

export interface ContextInput {
  env: Env;
  tenant: string;
  guildId: string;
  interaction: InvokedInteraction;
  actor: ChatUser;
  correlationId: string;
  now: Date;
  requestUrl?: string;
}

export function commandContext(input: ContextInput): CommandContext {
  const { interaction } = input;
  const admin = hasAdminPermission(interaction.member?.permissions);
  return {
    env: input.env,
    tenant: input.tenant,
    actor: input.actor,
    place: {
      platform: "discord",
      workspaceId: input.guildId,
      channelId: interaction.channel_id ?? interaction.channel?.id ?? "",
    },
    correlationId: input.correlationId,
    platformAdmin: async () => admin,
    now: input.now,
    requestUrl: input.requestUrl,
  };
}
