/**
 * `me`, `me notify`, `me focus` and `me holiday`: each person's own page and how messages reach
 * them (their notify preferences in TenantSettings, src/settings/notify-prefs.ts, applied by the
 * tenant's Context Optimizer). Open to everyone: they are always about the one who runs them.
 * `me hours` and `me zone` are in ./me-hours.ts; the page's review-rhythm suggestion in ./rhythm.ts.
 */
import type { PersonState } from "../../agents/context-optimizer";
import { literal } from "../../chat/markup";
import { sameUser } from "../../chat/platform";
import { type Reply, type ReplySection, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import { logger } from "../../observability/logger";
import { errorMessage } from "../../platform/errors";
import type { TeamMember } from "../../settings/model";
import type { NotifyPatch } from "../../settings/notify-prefs";
import type { PersonNotify } from "../../settings/people";
import { localDate } from "../../settings/time";
import type { CommandContext } from "../context";
import { usageFor } from "../help";
import type { CommandOf } from "../types";
import { actorKey, code } from "./format";
import { hoursText } from "./me-hours";
import { myQueue } from "./my-queue";
import {
  alwaysNote,
  changesOf,
  findOptimizer,
  focusText,
  heldLines,
  holidaysText,
  modeMeaning,
  notifyFields,
  PAUSED_NOTE,
  rangeText,
  settled,
  teamFields,
  todayLines,
} from "./notify-text";
import { rhythmSuggestion } from "./rhythm";
import { tenantSettings } from "./shared";
import { memberFields } from "./team";
import { IMPORTED_BY } from "./team-import";

export const NOT_ON_TEAM =
  "You are not on the team yet: a team lead adds you with `/foreman team add @you github:your-login`.";

const FOOTER =
  "Change it: `/foreman me hours mon-fri 09:00-17:00`, `/foreman me zone Europe/Berlin`, `/foreman me notify batched --at 09:30,13:30,16:30`, `/foreman me focus add tue,thu 09:00-12:00`, `/foreman me holiday 2026-12-24..2026-12-31`.";

/** The actor's notify record and local date; `member` null when they are not on the team. */
async function mine(ctx: CommandContext): Promise<PersonNotify & { today: string }> {
  const record = await tenantSettings(ctx).notifyPrefs(ctx.actor);
  return { ...record, today: localDate(ctx.now, record.member?.tz ?? "UTC") };
}

/** A change refused (nothing done): a button that ran it leaves its message alone. */
export const notOnTeam = (title: string): Reply => {
  const text = `${NOT_ON_TEAM} Nothing was changed.`;
  return reply(text, { tone: "error", title, sections: [{ text }] });
};

/** What is held for the person and today's counts, as sections; a failure says so instead. */
export async function heldSections(ctx: CommandContext, cap: number, zone: string): Promise<ReplySection[]> {
  let state: PersonState | null = null;
  let paused = false;
  try {
    const optimizer = await findOptimizer(ctx);
    paused = optimizer?.status === "paused";
    const outcome = optimizer ? await optimizer.agent.person(ctx.actor) : null;
    if (outcome && !outcome.ok) throw new Error(outcome.error.message);
    state = outcome?.ok ? outcome.value : null;
  } catch (err) {
    logger("commands").warn("context optimizer unavailable", {
      correlationId: ctx.correlationId,
      tenant: ctx.tenant,
      error: errorMessage(err),
    });
    const text = "What is held for you cannot be read right now; try again in a moment.";
    return [{ title: "Held for you", text }];
  }
  const notes = paused ? [PAUSED_NOTE] : [];
  if (!state) {
    const text = "Nothing is held for you right now.";
    return [{ title: "Held for you", text, ...(notes.length ? { lines: notes } : {}) }];
  }
  const today: ReplySection = { title: `Today (${state.localDate})`, lines: todayLines(state, cap) };
  if (state.held.length === 0) {
    return [today, { title: "Held for you", text: "Nothing is held for you right now.", lines: notes }];
  }
  const text = `${plural(state.held.length, "item")} held for you; everything held goes out together as one message.`;
  const lines = [...capped(heldLines(state, zone), 15), ...notes];
  return [today, { title: "Held for you", text, lines }];
}

/** `me` (`me show`): team details, how messages reach the person, today's counts, what is held. */
export async function meShow(_command: CommandOf<"me.show">, ctx: CommandContext): Promise<Reply> {
  const { member, own, team, effective, today } = await mine(ctx);
  if (!member) {
    return reply(NOT_ON_TEAM, {
      tone: "warning",
      title: "Your page",
      sections: [
        { text: NOT_ON_TEAM },
        { title: "The team's default for messages", fields: teamFields(team, today) },
      ],
    });
  }
  const [availability, held, rhythm] = await Promise.all([
    tenantSettings(ctx).availability(ctx.now.toISOString()),
    heldSections(ctx, effective.dailyCap, member.tz),
    rhythmSuggestion(ctx, member, effective),
  ]);
  const queue = await myQueue(
    ctx,
    member,
    availability.map((a) => a.member),
  );
  const entry = availability.find((a) => sameUser(a.member.user, ctx.actor));
  const text = `You are on the team as ${code(member.github)}${member.lead ? " (lead)" : ""}.`;
  const away = entry?.ooo
    ? `out ${entry.ooo.until ? `until ${entry.ooo.until}` : "until back"}`
    : entry?.planned?.from
      ? `available; out from ${entry.planned.from} ${entry.planned.until ? `until ${entry.planned.until}` : "until back"}`
      : "available";
  const how = `Messages reach you ${modeMeaning(effective.mode, effective.windows)}.`;
  const sections: ReplySection[] = [
    ...filledIn(member),
    {
      title: "Your settings",
      text,
      fields: [
        ...memberFields(member).filter((f) => f.label !== "Lead"),
        { label: "Out of office", value: away },
      ],
    },
    {
      title: "How messages reach you",
      text: how,
      fields: notifyFields(own, team, effective, today),
      lines: [alwaysNote(own.windows !== undefined)],
    },
    queue.section,
    ...held,
    // Last, so its button (rendered after the sections) sits right under it.
    ...(rhythm ? [rhythm.section] : []),
  ];
  const buttons = [...queue.blocks, ...(rhythm?.buttons ?? [])];
  return reply(text, { title: "Your page", sections, buttons, footer: FOOTER });
}

/**
 * A member `team import` added and who has changed nothing since: what was filled in for them and
 * where it came from, so checking it is all they do.
 */
function filledIn(member: TeamMember): ReplySection[] {
  if (!member.addedBy.startsWith(IMPORTED_BY) || member.updatedAt !== member.addedAt) return [];
  return [
    {
      title: "Filled in for you",
      text: "A team import added you; please check these and change what is wrong.",
      lines: [
        `GitHub login ${code(member.github)}: the GitHub team member whose public e-mail is your Slack e-mail.`,
        `Time zone ${code(member.tz)}: from your Slack profile (\`/foreman me zone <zone>\` changes it).`,
        `Working hours ${hoursText(member.workingHours)}: the default in that zone (\`/foreman me hours mon-fri 09:00-17:00\` changes them).`,
        "Once you change anything here, this note goes away.",
      ],
    },
  ];
}

/** `me notify immediate|batched|digest|default [--at …] [--cap N]`. */
export async function meNotify(command: CommandOf<"me.notify">, ctx: CommandContext): Promise<Reply> {
  const before = await mine(ctx);
  if (!before.member) return notOnTeam("How messages reach you");
  const patch: NotifyPatch = command.mode === "default" ? { reset: true } : { mode: command.mode };
  if (command.windows) patch.windows = command.windows;
  if (command.cap !== undefined) patch.dailyCap = command.cap;
  const done = settled(
    await tenantSettings(ctx).setNotifyPrefs(ctx.actor, patch, actorKey(ctx.actor)),
    ctx,
    usageFor("me.notify"),
  );
  if (!done.ok) return done.reply;
  const { own, team, effective } = done.value;
  const changes = changesOf(before.effective, effective);
  const lead =
    command.mode === "default"
      ? "Back to the team's defaults"
      : changes.length
        ? "Changed"
        : "Nothing changed: these were already your settings";
  const text = `${lead}. Messages now reach you ${modeMeaning(effective.mode, effective.windows)}.`;
  const lines = [
    ...(changes.length ? [`Changed: ${changes.join("; ")}.`] : []),
    alwaysNote(own.windows !== undefined),
    "Items already held for you keep their time: `/foreman me` shows them.",
  ];
  return reply(text, {
    tone: changes.length ? "success" : "info",
    title: "How messages reach you",
    sections: [{ text, fields: notifyFields(own, team, effective, before.today).slice(0, 3), lines }],
  });
}

/** `me focus add <days> <HH:MM-HH:MM>` / `me focus clear`. */
export async function meFocus(command: CommandOf<"me.focus">, ctx: CommandContext): Promise<Reply> {
  const usage = usageFor("me.focus");
  const wrong = (text: string) =>
    reply(text, {
      tone: "error",
      sections: [
        { text, lines: [`Usage: \`${usage}\``, "e.g. `/foreman me focus add tue,thu 09:00-12:00`"] },
      ],
    });
  if (command.action === "clear" && (command.days || command.between))
    return wrong(
      "`me focus clear` clears every focus block and takes no days or hours: nothing was changed.",
    );
  if (command.action === "add" && !command.days)
    return wrong("Missing the days of the focus block (e.g. `tue,thu` or `mon-fri`): nothing was changed.");
  if (command.action === "add" && !command.between)
    return wrong("Missing the hours of the focus block (e.g. `09:00-12:00`): nothing was changed.");
  const before = await mine(ctx);
  if (!before.member) return notOnTeam("Focus time");
  const zone = literal(before.member.tz);
  if (command.action === "clear") {
    if (before.own.focus.length === 0) {
      const text = "You had no focus blocks: nothing was changed.";
      return reply(text, { title: "Focus time", sections: [{ text }] });
    }
    const done = settled(
      await tenantSettings(ctx).setNotifyPrefs(ctx.actor, { clearFocus: true }, actorKey(ctx.actor)),
      ctx,
      usage,
    );
    if (!done.ok) return done.reply;
    const text = `Cleared your ${plural(before.own.focus.length, "focus block")}: ${before.own.focus.map(focusText).join("; ")} (${zone}).`;
    return reply(text, { tone: "success", title: "Focus time", sections: [{ text }] });
  }
  const block = {
    days: command.days ?? [],
    start: command.between?.start ?? "",
    end: command.between?.end ?? "",
  };
  const same = before.own.focus.some(
    (b) => b.days.join() === block.days.join() && b.start === block.start && b.end === block.end,
  );
  if (same) {
    const text = `You already have the focus block ${focusText(block)} (${zone}): nothing was changed.`;
    return reply(text, { title: "Focus time", sections: [{ text }] });
  }
  const done = settled(
    await tenantSettings(ctx).setNotifyPrefs(ctx.actor, { addFocus: block }, actorKey(ctx.actor)),
    ctx,
    usage,
  );
  if (!done.ok) return done.reply;
  const text = `Focus block added: ${focusText(block)} (${zone}).`;
  const lines = [
    `Your focus blocks now: ${done.value.own.focus.map(focusText).join("; ")}.`,
    "During a focus block messages wait until it ends; urgent ones (SLA breaches, escalations) still come.",
    "Review assignment counts it too: in a focus block you count as starting a review later.",
    "Remove them all: `/foreman me focus clear`.",
  ];
  return reply(text, { tone: "success", title: "Focus time", sections: [{ text, lines }] });
}

/** `me holiday <YYYY-MM-DD>[..<YYYY-MM-DD>]` / `me holiday clear`. */
export async function meHoliday(command: CommandOf<"me.holiday">, ctx: CommandContext): Promise<Reply> {
  const before = await mine(ctx);
  if (!before.member) return notOnTeam("Your holidays");
  const title = "Your holidays";
  if (command.dates === "clear") {
    if (before.own.holidays.length === 0) {
      const text = "You had no holidays of your own: nothing was changed.";
      return reply(text, { title, sections: [{ text }] });
    }
    const done = settled(
      await tenantSettings(ctx).setNotifyPrefs(ctx.actor, { clearHolidays: true }, actorKey(ctx.actor)),
      ctx,
      usageFor("me.holiday"),
    );
    if (!done.ok) return done.reply;
    const text = `Cleared your ${plural(before.own.holidays.length, "holiday")}: ${before.own.holidays.map(rangeText).join(", ")}.`;
    const lines = [
      `Team holidays (set by admins) still apply: ${holidaysText(done.value.team.holidays, before.today)}.`,
    ];
    return reply(text, { tone: "success", title, sections: [{ text, lines }] });
  }
  const range = command.dates;
  const past = pastRange(range, before.today);
  if (past) return past;
  if (before.own.holidays.some((r) => r.from === range.from && r.until === range.until)) {
    const text = `${rangeText(range)} is already one of your holidays: nothing was changed.`;
    return reply(text, { title, sections: [{ text }] });
  }
  const done = settled(
    await tenantSettings(ctx).setNotifyPrefs(ctx.actor, { addHoliday: range }, actorKey(ctx.actor)),
    ctx,
    usageFor("me.holiday"),
  );
  if (!done.ok) return done.reply;
  const text = `Holiday added: ${rangeText(range)} (${range.from === range.until ? "" : "inclusive, "}in ${literal(before.member.tz)}).`;
  return reply(text, {
    tone: "success",
    title,
    sections: [{ text, lines: holidayLines(done.value.own.holidays, before.today, "you") }],
  });
}

/** What a holiday does, and the holidays now ahead. */
export function holidayLines(
  ranges: readonly { from: string; until: string }[],
  today: string,
  who: "you" | "the team",
): string[] {
  const whom = who === "you" ? "you" : "anyone on the team";
  const where = who === "you" ? "your" : "their";
  return [
    `${who === "you" ? "Your" : "Team"} holidays now: ${holidaysText(ranges, today)}.`,
    `Nothing reaches ${whom} on these days, not even urgent items: it waits for ${where} first working hour back.`,
    who === "you"
      ? "Review assignment skips you on these days, as when you are out of office."
      : "Review assignment skips people on their holidays, as when they are out of office.",
  ];
}

/** A range whose last day has passed (for the person: `today`) is refused, with nothing stored. */
export function pastRange(range: { from: string; until: string }, today: string): Reply | null {
  if (range.until >= today) return null;
  const text = `${rangeText(range)} is in the past (today is ${today}): nothing was changed.`;
  return reply(text, { tone: "error", sections: [{ text, lines: [`Give days from today (${today}) on.`] }] });
}
