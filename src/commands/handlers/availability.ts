/** `ooo` and `back`: out-of-office entries in TenantSettings (for oneself open to everyone). */
import { localDate } from "../../settings/time";
import type { CommandContext } from "../context";
import { type Reply, reply } from "../reply";
import type { ChatUser, CommandOf } from "../types";
import { actorKey, who } from "./format";
import { need, problem, tenantSettings } from "./shared";

/** The person's local date today: in their roster zone, else UTC. */
async function todayFor(user: ChatUser, ctx: CommandContext): Promise<{ date: string; onTeam: boolean }> {
  const member = await tenantSettings(ctx).member(user);
  return { date: localDate(ctx.now, member?.tz ?? "UTC"), onTeam: member !== null };
}

const isActor = (user: ChatUser, ctx: CommandContext) =>
  user.platform === ctx.actor.platform && user.id === ctx.actor.id;
const subject = (user: ChatUser, ctx: CommandContext, verb: "is" | "was") =>
  isActor(user, ctx) ? `You ${verb === "is" ? "are" : "were"}` : `${who(user, ctx.place)} ${verb}`;

export async function ooo(command: CommandOf<"ooo">, ctx: CommandContext): Promise<Reply> {
  const { date, onTeam } = await todayFor(command.user, ctx);
  if (command.until && command.until < date) {
    return problem(`${command.until} is in the past (today is ${date} for them).`, [
      "Give the last day out, e.g. `/foreman ooo @person until 2026-12-24`, or leave it out for “until back”.",
    ]);
  }
  const { entry, previous } = need(
    await tenantSettings(ctx).setOoo(command.user, command.until ?? null, actorKey(ctx.actor)),
  );
  const until = entry.until
    ? `until ${entry.until} (inclusive)`
    : `until marked back (\`/foreman back ${who(command.user, ctx.place)}\`)`;
  const text = `${subject(command.user, ctx, "is")} out of office ${until}.`;
  const lines = ["Review assignment (coming in a later version) skips people while they are out."];
  if (previous)
    lines.push(`Replaces the earlier entry (${previous.until ? `until ${previous.until}` : "until back"}).`);
  if (!onTeam) {
    const [subj, obj] = isActor(command.user, ctx) ? ["You are", "you are"] : ["They are", "they are"];
    lines.push(
      `${subj} not on the team yet, so this only matters once ${obj} added (\`/foreman team add\`).`,
    );
  }
  return reply(text, { tone: "success", title: "Out of office", sections: [{ text, lines }] });
}

export async function back(command: CommandOf<"back">, ctx: CommandContext): Promise<Reply> {
  const { date } = await todayFor(command.user, ctx);
  const { cleared } = need(await tenantSettings(ctx).clearOoo(command.user, date));
  if (!cleared) {
    const text = `${subject(command.user, ctx, "was")} not marked out of office.`;
    return reply(text, { title: "Out of office", sections: [{ text }] });
  }
  const text = `${subject(command.user, ctx, "is")} back: no longer marked out of office.`;
  return reply(text, { tone: "success", title: "Out of office", sections: [{ text }] });
}
