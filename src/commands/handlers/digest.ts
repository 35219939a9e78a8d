/**
 * `digest schedule|off|now|filter`: per-channel digest schedules and filters in TenantSettings;
 * `now` posts the digest (./digest-data.ts).
 */

import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import { plural } from "../../chat/text";
import { describeFilters } from "../../digest/build";
import { buildChannelDigest, type ChannelDigest, postChannelDigest } from "../../digest/gather";
import type { DigestPrefs, DigestPrefsPatch } from "../../settings/model";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey, describeSchedule, who } from "./format";
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
          ? `Time zone ${literal(tz)}: yours from the team roster.`
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
    footer: `Scheduled by ${who(ctx.actor, ctx.place)}. Stop it: \`/foreman digest off\``,
  });
}

export async function digestOff(_command: CommandOf<"digest.off">, ctx: CommandContext): Promise<Reply> {
  const outcome = await tenantSettings(ctx).clearDigest(channelOf(ctx));
  if (!outcome.ok) {
    if (outcome.error.status !== 404) return problem(literal(outcome.error.message));
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

/** `digest now`: sends this channel's digest into the channel; answers the asker privately. */
export async function digestNow(_command: CommandOf<"digest.now">, ctx: CommandContext): Promise<Reply> {
  const minute = ctx.now.toISOString().slice(0, 16);
  const built = await postChannelDigest(ctx.env, ctx.tenant, channelOf(ctx), {
    key: `digest:now:${ctx.place.channelId}:${minute}`,
    correlationId: ctx.correlationId,
    nowMs: ctx.now.getTime(),
    actor: actorKey(ctx.actor),
  });
  if (!built.digest) return built.answer;
  if (!built.sent) {
    const text = "The digest was already posted in this channel this minute: nothing new was sent.";
    return reply(text, { tone: "info", title: "Digest" });
  }
  // Recorded for delivery (kept until Slack or Discord confirms it); the post itself follows.
  const text = `The digest is on its way to this channel: ${plural(built.waiting, "pull request")} waiting.`;
  return reply(text, { tone: "success", title: "Digest" });
}

/** The digest's Refresh button: the same digest, drawn again in place of the clicked one. */
export async function digestRefresh(ctx: CommandContext): Promise<Reply> {
  const built = await channelDigest(ctx);
  return built.digest ? { ...built.digest, replaceOriginal: true } : built.answer;
}

/** The filters as lines for a reply. */
function filterLines(prefs: DigestPrefs): string[] {
  const active = describeFilters(prefs);
  return [
    `Drafts: ${prefs.ignoreDrafts ? "left out" : "shown"}`,
    `Approved: ${prefs.ignoreApprovedAtLeast ? `left out at ${prefs.ignoreApprovedAtLeast}+ approvals` : "shown"}`,
    `Minimum age: ${prefs.minAgeHours ? `${prefs.minAgeHours} working h` : "none"}`,
    `Only labels: ${prefs.requiredLabels.length ? literal(prefs.requiredLabels.join(", ")) : "any"}`,
    `Ignored labels: ${prefs.ignoredLabels.length ? literal(prefs.ignoredLabels.join(", ")) : "none"}`,
    `Empty digest: ${prefs.emptyMode === "skip" ? "skipped" : "posted as one line"}`,
    ...(active ? [] : ["No pull request is left out."]),
  ];
}

/**
 * `digest filter [--drafts include|ignore] [--approvals N|off] [--min-age H|off] [--labels a,b|off]
 * [--ignore-labels a,b|off] [--empty post|skip] [--reset]`: without options it shows the filters.
 */
export async function digestFilter(command: CommandOf<"digest.filter">, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const channel = channelOf(ctx);
  const patch: DigestPrefsPatch = {
    ignoreDrafts: command.drafts === undefined ? undefined : command.drafts === "ignore",
    ignoreApprovedAtLeast: command.approvals,
    minAgeHours: command.minAge,
    requiredLabels: command.labels,
    ignoredLabels: command.ignoreLabels,
    emptyMode: command.empty,
  };
  const changes = Object.values(patch).some((v) => v !== undefined);
  if (!changes && !command.reset) {
    const prefs = await store.digestPrefs(channel);
    const text = "Digest filters for this channel:";
    return reply(text, {
      title: "Digest filters",
      sections: [{ text, lines: filterLines(prefs) }],
      footer:
        "Change them: `/foreman digest filter --approvals 2 --ignore-labels wip` (see `/foreman help digest`)",
    });
  }
  const { prefs } = need(await store.setDigestPrefs(channel, patch, command.reset, actorKey(ctx.actor)));
  const text =
    command.reset && !changes ? "Digest filters reset to the defaults." : "Digest filters updated.";
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Digest filters",
    sections: [{ text, lines: filterLines(prefs) }],
    footer: `Changed by ${who(ctx.actor, ctx.place)}. Applies to the next digest in this channel.`,
  });
}

/** This channel's digest, or a private answer saying why there is none. */
async function channelDigest(ctx: CommandContext): Promise<ChannelDigest> {
  return buildChannelDigest({
    env: ctx.env,
    tenant: ctx.tenant,
    channel: channelOf(ctx),
    correlationId: ctx.correlationId,
    nowMs: ctx.now.getTime(),
    actor: actorKey(ctx.actor),
  });
}
