/**
 * `team holiday` and `settings notify-default` (admins): the team's holidays and how messages reach
 * people who have not chosen their own (TenantSettings `setTeamNotify`, src/settings/notify-prefs.ts).
 */
import { type Reply, reply } from "../../chat/reply";
import { plural } from "../../chat/text";
import type { NotifyPatch } from "../../settings/notify-prefs";
import { localDate } from "../../settings/time";
import type { CommandContext } from "../context";
import { usageFor } from "../help";
import type { CommandOf } from "../types";
import { actorKey, who } from "./format";
import { holidayLines, pastRange } from "./me";
import { ALWAYS_NOTE, changesOf, modeMeaning, rangeText, settled, teamFields } from "./notify-text";
import { readerZone, tenantSettings } from "./shared";

/** `team holiday <YYYY-MM-DD>[..<YYYY-MM-DD>]` / `team holiday clear`. */
export async function teamHoliday(command: CommandOf<"team.holiday">, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const title = "Team holidays";
  const before = await store.teamNotify();
  const today = localDate(ctx.now, (await readerZone(ctx)) ?? "UTC");
  const footer = `Changed by ${who(ctx.actor, ctx.place)}.`;
  if (command.dates === "clear") {
    if (before.holidays.length === 0) {
      const text = "The team had no holidays: nothing was changed.";
      return reply(text, { title, sections: [{ text }] });
    }
    const done = settled(
      await store.setTeamNotify({ clearHolidays: true }, actorKey(ctx.actor)),
      ctx,
      usageFor("team.holiday"),
    );
    if (!done.ok) return done.reply;
    const text = `Cleared the team's ${plural(before.holidays.length, "holiday")}: ${before.holidays.map(rangeText).join(", ")}.`;
    const lines = ["Holidays people set for themselves (`/foreman me holiday`) still apply."];
    return reply(text, { tone: "success", title, sections: [{ text, lines }], footer });
  }
  const range = command.dates;
  const past = pastRange(range, today);
  if (past) return past;
  if (before.holidays.some((r) => r.from === range.from && r.until === range.until)) {
    const text = `${rangeText(range)} is already a team holiday: nothing was changed.`;
    return reply(text, { title, sections: [{ text }] });
  }
  const done = settled(
    await store.setTeamNotify({ addHoliday: range }, actorKey(ctx.actor)),
    ctx,
    usageFor("team.holiday"),
  );
  if (!done.ok) return done.reply;
  const text = `Team holiday added: ${rangeText(range)} (${range.from === range.until ? "" : "inclusive, "}in each person's own time zone).`;
  const lines = holidayLines(done.value.holidays, today, "the team");
  return reply(text, { tone: "success", title, sections: [{ text, lines }], footer });
}

/** `settings notify-default immediate|batched|digest [--at …] [--cap N]`. */
export async function settingsNotifyDefault(
  command: CommandOf<"settings.notify-default">,
  ctx: CommandContext,
): Promise<Reply> {
  const store = tenantSettings(ctx);
  const before = await store.teamNotify();
  const patch: NotifyPatch = { mode: command.mode };
  if (command.windows) patch.windows = command.windows;
  if (command.cap !== undefined) patch.dailyCap = command.cap;
  const done = settled(
    await store.setTeamNotify(patch, actorKey(ctx.actor)),
    ctx,
    usageFor("settings.notify-default"),
  );
  if (!done.ok) return done.reply;
  const team = done.value;
  const changes = changesOf(before, team);
  const text = changes.length
    ? `The team's default changed: messages reach people ${modeMeaning(team.mode, team.windows)}.`
    : `Nothing changed: the team's default already was ${team.mode}, ${team.windows.join(", ")}, cap ${team.dailyCap}.`;
  const today = localDate(ctx.now, (await readerZone(ctx)) ?? "UTC");
  const lines = [
    ...(changes.length ? [`Changed: ${changes.join("; ")}.`] : []),
    "It applies to everyone who has not chosen their own (`/foreman me notify …`); their choices stay as they are.",
    ALWAYS_NOTE,
  ];
  return reply(text, {
    tone: changes.length ? "success" : "info",
    title: "Team default for messages",
    sections: [{ text, fields: teamFields(team, today).slice(0, 3), lines }],
    footer: `Changed by ${who(ctx.actor, ctx.place)}.`,
  });
}
