/** `team add|remove|list`: the roster in TenantSettings, answered with what is now stored. */

import { literal } from "../../chat/markup";
import { type Reply, type ReplyField, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import type { MemberAvailability, TeamMember } from "../../settings/model";
import { describeDays } from "../../settings/time";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey, code, who } from "./format";
import { problem, tenantSettings } from "./shared";

export function memberFields(m: TeamMember): ReplyField[] {
  const hours = m.workingHours;
  return [
    { label: "GitHub", value: code(m.github) },
    { label: "Time zone", value: literal(m.tz) },
    { label: "Lead", value: m.lead ? "yes" : "no" },
    { label: "Working hours", value: `${describeDays(hours.days)} ${hours.start}-${hours.end}` },
  ];
}

function changes(before: TeamMember, after: TeamMember): string[] {
  const out: string[] = [];
  if (before.github !== after.github) out.push(`GitHub ${code(before.github)} → ${code(after.github)}`);
  if (before.tz !== after.tz) out.push(`time zone ${literal(before.tz)} → ${literal(after.tz)}`);
  if (before.lead !== after.lead) out.push(after.lead ? "now a lead" : "no longer a lead");
  return out;
}

export async function teamAdd(command: CommandOf<"team.add">, ctx: CommandContext): Promise<Reply> {
  const input = { user: command.user, github: command.github, tz: command.tz, lead: command.lead };
  const outcome = await tenantSettings(ctx).addMember(input, actorKey(ctx.actor));
  if (!outcome.ok) {
    if (outcome.error.status !== 409) return problem(literal(outcome.error.message));
    const owner = await tenantSettings(ctx).memberByGithub(command.github);
    const whose = owner ? `${who(owner.user, ctx.place)}'s` : "another member's";
    return problem(`GitHub login ${code(command.github)} is already ${whose}.`, [
      "Each GitHub login belongs to one person. Remove them first (`/foreman team remove @them`) or check the login.",
    ]);
  }
  const { member, previous } = outcome.value;
  const person = who(member.user, ctx.place);
  const diff = previous ? changes(previous, member) : [];
  const text = previous
    ? diff.length
      ? `Updated ${person}: ${diff.join(", ")}.`
      : `${person} is already on the team with these settings.`
    : `Added ${person} to the team as ${code(member.github)}.`;
  const hint =
    member.tz === "UTC" && !command.tz ? ["Time zone UTC: set theirs with `--tz Europe/Berlin`."] : [];
  return reply(text, {
    tone: "success",
    title: "Team",
    sections: [{ text, fields: memberFields(member), ...(hint.length ? { lines: hint } : {}) }],
  });
}

export async function teamRemove(command: CommandOf<"team.remove">, ctx: CommandContext): Promise<Reply> {
  const person = who(command.user, ctx.place);
  const outcome = await tenantSettings(ctx).removeMember(command.user);
  if (!outcome.ok) {
    return problem(`${person} is not on the team.`, ["`/foreman team list` shows who is."]);
  }
  const text = `Removed ${person} (${code(outcome.value.github)}) from the team.`;
  return reply(text, { tone: "success", title: "Team", sections: [{ text }] });
}

export function memberLine(a: MemberAvailability, ctx: CommandContext): string {
  const m = a.member;
  const parts = [who(m.user, ctx.place), code(m.github), literal(m.tz)];
  if (m.lead) parts.push("**lead**");
  if (a.ooo) parts.push(a.ooo.until ? `out of office until ${a.ooo.until}` : "out of office until back");
  else if (a.planned?.from) {
    const until = a.planned.until ? `until ${a.planned.until}` : "until back";
    parts.push(`out of office from ${a.planned.from} ${until}`);
  }
  return parts.join(" · ");
}

export async function teamList(_command: CommandOf<"team.list">, ctx: CommandContext): Promise<Reply> {
  const team = await tenantSettings(ctx).availability(ctx.now.toISOString());
  if (team.length === 0) {
    const text = "No one on the team yet.";
    return reply(text, {
      title: "Team",
      sections: [
        {
          text,
          lines: ["Add people: `/foreman team add @person github:login [--tz Europe/Berlin] [--lead]`"],
        },
      ],
    });
  }
  const out = team.filter((a) => a.ooo).length;
  const leads = team.filter((a) => a.member.lead).length;
  const text = `${plural(team.length, "team member")}: ${plural(leads, "lead")}, ${out} out of office today.`;
  return reply(text, {
    title: "Team",
    sections: [
      {
        text,
        lines: capped(
          team.map((a) => memberLine(a, ctx)),
          40,
        ),
      },
    ],
    footer: "Mention · GitHub login · time zone. Out of office: `/foreman ooo @person [until YYYY-MM-DD]`",
  });
}
