/**
 * `link ops` / `unlink ops`: the channel where Foreman's alerts go (delivery failures, dead letters,
 * review SLA breaches; see src/alerts/alerts.ts and docs/operations.md). One per tenant.
 */

import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey, channel, sameChannelAs, who } from "./format";
import { channelOf, need, problem, tenantSettings } from "./shared";

const WHAT =
  "Alerts go here when delivery failures, dead letters or review SLA breaches cross their thresholds: one message when an incident opens, one when it resolves.";

export async function linkOps(_command: CommandOf<"link.ops">, ctx: CommandContext): Promise<Reply> {
  const { previous } = need(await tenantSettings(ctx).setOpsChannel(channelOf(ctx), actorKey(ctx.actor)));
  if (previous && sameChannelAs(previous.channel, ctx.place)) {
    const text = "This channel already is the ops channel.";
    return reply(text, { title: "Ops channel", sections: [{ text, lines: [WHAT] }] });
  }
  const text = "Alerts go to this channel now.";
  const moved = previous ? [`Moved from ${channel(previous.channel, ctx.place)}.`] : [];
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Ops channel",
    sections: [{ text, lines: [WHAT, ...moved] }],
    footer: `Set by ${who(ctx.actor, ctx.place)}. Undo: \`/foreman unlink ops\``,
  });
}

export async function unlinkOps(_command: CommandOf<"unlink.ops">, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const outcome = await store.clearOpsChannel(channelOf(ctx));
  if (!outcome.ok) {
    if (outcome.error.status !== 404) return problem(literal(outcome.error.message));
    const current = await store.opsChannel();
    return problem("This channel is not the ops channel.", [
      current
        ? `Alerts go to ${channel(current, ctx.place)}.`
        : "No ops channel is set: `/foreman link ops`.",
    ]);
  }
  const text = "Alerts no longer go to this channel.";
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Ops channel",
    sections: [
      {
        text,
        lines: [
          "Until another channel runs `/foreman link ops`, alerts go to OPS_CHANNEL if it is configured.",
        ],
      },
    ],
    footer: `Unlinked by ${who(ctx.actor, ctx.place)}.`,
  });
}
