/** `digest schedule|off|now`: per-channel digest schedules in TenantSettings; posting comes later. */
import type { CommandContext } from "../context";
import { type Reply, reply } from "../reply";
import type { CommandOf } from "../types";
import { actorKey, code, describeSchedule, plural, who } from "./format";
import { channelOf, need, problem, tenantSettings } from "./shared";

const NOT_YET =
  "Digest posting is not available yet in this version: the schedule is stored and used once it is.";

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

export async function digestNow(_command: CommandOf<"digest.now">, ctx: CommandContext): Promise<Reply> {
  const summary = await tenantSettings(ctx).summary(channelOf(ctx), ctx.now.toISOString());
  const text = "The digest is not available yet in this version: nothing was posted.";
  const links = summary.channelLinks.map(
    (l) => `${l.kind === "github" ? "GitHub" : "Linear"} ${code(l.target)}`,
  );
  return reply(text, {
    tone: "warning",
    title: "Digest",
    sections: [
      { text },
      {
        title: "What it will cover here",
        lines: [
          summary.digest
            ? `Schedule: ${describeSchedule(summary.digest, ctx.now)}`
            : "No schedule for this channel.",
          links.length ? `Linked: ${links.join(", ")}` : "Nothing linked to this channel yet.",
          `Team: ${plural(summary.teamSize, "member")}, ${summary.outToday} out of office today.`,
        ],
      },
    ],
  });
}
