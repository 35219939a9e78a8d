/** `digest schedule|off|now`: per-channel digest schedules in TenantSettings; `now` posts it (./digest-data.ts). */

import type { CommandContext } from "../context";
import { type Reply, reply } from "../reply";
import type { CommandOf } from "../types";
import { channelDigest, postChannelDigest } from "./digest-data";
import { actorKey, describeSchedule, plural, who } from "./format";
import { channelOf, need, problem, tenantSettings } from "./shared";

const NOT_YET = "Posted within 5 minutes of that time; `/foreman digest now` posts it any time.";

export async function digestSchedule(
  command: CommandOf<"digest.schedule">,
  ctx: CommandContext,
): Promise<Reply> {
  const store = tenantSettings(ctx);
  const member = command.tz ? null : await store.member(ctx.actor);
  const tz = command.tz ?? member?.tz ?? "UTC";
  const zoneNote = command.tz
    ? []
    : [
        member
          ? `Time zone ${tz}: yours from the team roster.`
          : "Time zone UTC: add one, e.g. `/foreman digest schedule 09:30 Europe/Berlin`.",
      ];
  const { schedule, previous } = need(
    await store.setDigest(
      channelOf(ctx),
      { time: command.time, tz, days: command.days },
      actorKey(ctx.actor),
    ),
  );
  const text = `Digest for this channel: ${describeSchedule(schedule, ctx.now)}.`;
  const lines = [...zoneNote, ...(previous ? [`Replaces ${describeSchedule(previous)}.`] : []), NOT_YET];
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Digest",
    sections: [{ text, lines }],
    footer: `Scheduled by ${who(ctx.actor, ctx.place)}. Stop it: /foreman digest off`,
  });
}

export async function digestOff(_command: CommandOf<"digest.off">, ctx: CommandContext): Promise<Reply> {
  const outcome = await tenantSettings(ctx).clearDigest(channelOf(ctx));
  if (!outcome.ok) {
    if (outcome.error.status !== 404) return problem(outcome.error.message);
    return problem("This channel has no digest schedule.", ["Set one: `/foreman digest schedule 09:30`"]);
  }
  const text = "Digest for this channel turned off.";
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Digest",
    sections: [{ text, lines: [`Was ${describeSchedule(outcome.value)}.`] }],
    footer: `Turned off by ${who(ctx.actor, ctx.place)}.`,
  });
}

/** `digest now`: posts this channel's digest into the channel; answers the asker privately. */
export async function digestNow(_command: CommandOf<"digest.now">, ctx: CommandContext): Promise<Reply> {
  const minute = ctx.now.toISOString().slice(0, 16);
  const built = await postChannelDigest(ctx.env, ctx.tenant, channelOf(ctx), {
    key: `digest:now:${ctx.place.channelId}:${minute}`,
    correlationId: ctx.correlationId,
    nowMs: ctx.now.getTime(),
    actor: actorKey(ctx.actor),
  });
  if (!built.digest) return built.answer;
  const text = `Posted the digest: ${plural(built.waiting, "pull request")} waiting.`;
  return reply(text, { tone: "success", title: "Digest" });
}

/** The digest's Refresh button: the same digest, drawn again in place of the clicked one. */
export async function digestRefresh(ctx: CommandContext): Promise<Reply> {
  const built = await channelDigest(ctx);
  return built.digest ? { ...built.digest, replaceOriginal: true } : built.answer;
}
