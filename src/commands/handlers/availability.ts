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

export async function ooo(command: CommandOf<"ooo">, ctx: CommandContext): Promise<Reply> {
  const user = personOf(command, ctx);
  const { date, onTeam } = await todayFor(user, ctx);
  if (command.until && command.until < date) {
    const whose = isActor(user, ctx) ? "you" : "them";
    return problem(`${command.until} is in the past (today is ${date} for ${whose}).`, [
      `Give the last day out, e.g. ${again("ooo", user, ctx, "until 2026-12-24")}, or leave it out for “until back”.`,
    ]);
  }
  const { entry, previous } = need(
    await tenantSettings(ctx).setOoo(user, command.until ?? null, actorKey(ctx.actor)),
  );
  const until = entry.until
    ? `until ${entry.until} (inclusive)`
    : `until marked back (${again("back", user, ctx)})`;
  const text = `${subject(user, ctx, "is")} out of office ${until}.`;
  const lines = ["Review assignment skips people while they are out: no new review requests until then."];
  if (previous)
    lines.push(`Replaces the earlier entry (${previous.until ? `until ${previous.until}` : "until back"}).`);
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
  const { cleared } = need(await tenantSettings(ctx).clearOoo(user, date));
  if (!cleared) {
    const text = `${subject(user, ctx, "was")} not marked out of office.`;
    return reply(text, { title: "Out of office", sections: [{ text }] });
  }
  const text = `${subject(user, ctx, "is")} back: no longer marked out of office.`;
  return reply(text, { tone: "success", title: "Out of office", sections: [{ text }] });
}
