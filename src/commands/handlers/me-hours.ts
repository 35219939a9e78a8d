/**
 * `me hours <days> <HH:MM-HH:MM>` and `me zone <IANA zone>`: each person's own working hours and zone
 * on the team roster (TenantSettings `setMemberHours`; `team add … --tz` sets the zone too). They
 * gate when Foreman's messages reach the person (src/domain/notify.ts) and how soon review
 * assignment counts them as able to start. Open to everyone: always about the one who runs them.
 */
import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import type { Outcome } from "../../platform/errors";
import type { TeamMember, WorkingHours } from "../../settings/model";
import type { HoursPatch } from "../../settings/people";
import { describeDays } from "../../settings/time";
import type { CommandContext } from "../context";
import { usageFor } from "../help";
import type { CommandName, CommandOf } from "../types";
import { actorKey } from "./format";
import { notOnTeam } from "./me";
import { settled } from "./notify-text";
import { tenantSettings } from "./shared";

/** `Mon-Fri 09:00-17:00`. */
export const hoursText = (h: WorkingHours) => `${describeDays(h.days)} ${h.start}-${h.end}`;

const sameHours = (a: WorkingHours, b: WorkingHours) =>
  a.days.join() === b.days.join() && a.start === b.start && a.end === b.end;

/** What working hours do, in the person's words. */
const HOURS_LINES = [
  "Messages Foreman sends you wait for your working hours, urgent ones too; windows you set yourself open even outside them.",
  "Review assignment counts them: outside them you count as starting a review later. Reviews asked of you from now on take them for their SLA; those already running keep their deadlines.",
  "Items already held for you keep their time: `/foreman me` shows them.",
];

type Change = { member: TeamMember; previous: TeamMember };

/** The roster write, or the private answer: not on the team, or what was wrong (nothing changed). */
async function change(
  ctx: CommandContext,
  patch: HoursPatch,
  name: CommandName,
  title: string,
): Promise<{ ok: true; value: Change } | { ok: false; reply: Reply }> {
  const outcome: Outcome<Change> = await tenantSettings(ctx).setMemberHours(
    ctx.actor,
    patch,
    actorKey(ctx.actor),
  );
  if (!outcome.ok && outcome.error.status === 404) return { ok: false, reply: notOnTeam(title) };
  return settled(outcome, ctx, usageFor(name));
}

/** `me hours <days> <HH:MM-HH:MM>`. */
export async function meHours(command: CommandOf<"me.hours">, ctx: CommandContext): Promise<Reply> {
  const title = "Your working hours";
  const before = await tenantSettings(ctx).member(ctx.actor);
  if (!before) return notOnTeam(title);
  const hours: WorkingHours = { days: command.days, start: command.between.start, end: command.between.end };
  const zone = literal(before.tz);
  if (sameHours(before.workingHours, hours)) {
    const text = `Your working hours are already ${hoursText(hours)} (${zone}): nothing was changed.`;
    return reply(text, { title, sections: [{ text }] });
  }
  const done = await change(ctx, { workingHours: hours }, "me.hours", title);
  if (!done.ok) return done.reply;
  const { member, previous } = done.value;
  const text = `Working hours changed: ${hoursText(previous.workingHours)} → **${hoursText(member.workingHours)}** (${zone}).`;
  return reply(text, { tone: "success", title, sections: [{ text, lines: HOURS_LINES }] });
}

/** `me zone <IANA zone>`. */
export async function meZone(command: CommandOf<"me.zone">, ctx: CommandContext): Promise<Reply> {
  const title = "Your time zone";
  const before = await tenantSettings(ctx).member(ctx.actor);
  if (!before) return notOnTeam(title);
  if (before.tz === command.tz) {
    const text = `Your time zone is already ${literal(command.tz)}: nothing was changed.`;
    return reply(text, { title, sections: [{ text }] });
  }
  const done = await change(ctx, { tz: command.tz }, "me.zone", title);
  if (!done.ok) return done.reply;
  const { member, previous } = done.value;
  const zone = literal(member.tz);
  const text = `Time zone changed: ${literal(previous.tz)} → **${zone}**.`;
  const lines = [
    `Your working hours (${hoursText(member.workingHours)}), windows, focus blocks and holidays now count in ${zone}.`,
    "Review SLAs of reviews asked of you from now on count in it; those already running keep their deadlines.",
    "Items already held for you keep their time: `/foreman me` shows them.",
  ];
  return reply(text, { tone: "success", title, sections: [{ text, lines }] });
}
