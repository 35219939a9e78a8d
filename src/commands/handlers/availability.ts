/**
 * `ooo` and `back`: out-of-office entries in TenantSettings. The person left out (or `me`) is the
 * one who runs the command; for oneself they are open to everyone (./permissions.ts).
 */

import { type Reply, reply } from "../../chat/reply";
import type { ChatUser } from "../../domain/values";
import { localDate } from "../../settings/time";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey, who } from "./format";
import { need, problem, tenantSettings } from "./shared";

/** The person the command is about: the one named, else the one who runs it. */
const personOf = (command: { user?: ChatUser }, ctx: CommandContext): ChatUser => command.user ?? ctx.actor;

/** The person's local date today: in their roster zone, else UTC. */
async function todayFor(user: ChatUser, ctx: CommandContext): Promise<{ date: string; onTeam: boolean }> {
  const member = await tenantSettings(ctx).member(user);
  return { date: localDate(ctx.now, member?.tz ?? "UTC"), onTeam: member !== null };
}

const isActor = (user: ChatUser, ctx: CommandContext) =>
  user.platform === ctx.actor.platform && user.id === ctx.actor.id;
const subject = (user: ChatUser, ctx: CommandContext, verb: "is" | "was") =>
  isActor(user, ctx) ? `You ${verb === "is" ? "are" : "were"}` : `${who(user, ctx.place)} ${verb}`;
/** How to run `ooo`/`back` for this person again: no mention when it is oneself. */
const again = (name: "ooo" | "back", user: ChatUser, ctx: CommandContext, rest = "") =>
  `\`/foreman ${[name, isActor(user, ctx) ? "" : who(user, ctx.place), rest].filter(Boolean).join(" ")}\``;

/** `from 2027-01-11 until 2027-01-15`, `until 2026-12-24`, `until back`: the days an entry covers. */
const span = (e: { from: string | null; until: string | null }) =>
  `${e.from ? `from ${e.from} ` : ""}${e.until ? `until ${e.until}` : "until back"}`;

export async function ooo(command: CommandOf<"ooo">, ctx: CommandContext): Promise<Reply> {
  const user = personOf(command, ctx);
  const { date, onTeam } = await todayFor(user, ctx);
  const whose = isActor(user, ctx) ? "you" : "them";
  const from = command.from ?? null;
  if (from && command.until && command.until < from) {
    return problem(`The last day out (${command.until}) is before the first (${from}).`, [
      `Give the first day, then the last, e.g. ${again("ooo", user, ctx, `from ${from} until ${from}`)}.`,
    ]);
  }
  if (from && command.until && command.until < date) {
    return problem(`${from} to ${command.until} has already ended (today is ${date} for ${whose}).`, [
      `Give days from today on, e.g. ${again("ooo", user, ctx, "from 2027-01-11 until 2027-01-15")}.`,
    ]);
  }
  if (command.until && command.until < date) {
    return problem(`${command.until} is in the past (today is ${date} for ${whose}).`, [
      `Give the last day out, e.g. ${again("ooo", user, ctx, "until 2026-12-24")}, or leave it out for “until back”.`,
    ]);
  }
  const { entry, previous } = need(
    await tenantSettings(ctx).setOoo(user, command.until ?? null, actorKey(ctx.actor), from),
  );
  const until = entry.until
    ? `until ${entry.until} (inclusive)`
    : `until marked back (${again("back", user, ctx)})`;
  const text = entry.from
    ? `${subject(user, ctx, "is")} out of office from ${entry.from} ${until}.`
    : `${subject(user, ctx, "is")} out of office ${until}.`;
  const lines = entry.from
    ? [`Review assignment skips people while they are out: no new review requests for ${whose} in that time.`]
    : ["Review assignment skips people while they are out: no new review requests until then."];
  if (entry.from && entry.from > date) lines.push(`Changed plans? ${again("back", user, ctx)} cancels it.`);
  if (previous) lines.push(`Replaces the earlier entry (${span(previous)}).`);
  if (!onTeam) {
    const [subj, obj] = isActor(user, ctx) ? ["You are", "you are"] : ["They are", "they are"];
    lines.push(
      `${subj} not on the team yet, so this only matters once ${obj} added (\`/foreman team add @person github:login\`).`,
    );
  }
  return reply(text, { tone: "success", title: "Out of office", sections: [{ text, lines }] });
}

export async function back(command: CommandOf<"back">, ctx: CommandContext): Promise<Reply> {
  const user = personOf(command, ctx);
  const { date } = await todayFor(user, ctx);
  const { cleared, cancelled } = need(await tenantSettings(ctx).clearOoo(user, date));
  if (cancelled) {
    const text = `${subject(user, ctx, "is")} no longer marked out of office ${span(cancelled)}: the planned absence is cancelled.`;
    return reply(text, { tone: "success", title: "Out of office", sections: [{ text }] });
  }
  if (!cleared) {
    const text = `${subject(user, ctx, "was")} not marked out of office.`;
    return reply(text, { title: "Out of office", sections: [{ text }] });
  }
  const text = `${subject(user, ctx, "is")} back: no longer marked out of office.`;
  return reply(text, { tone: "success", title: "Out of office", sections: [{ text }] });
}
