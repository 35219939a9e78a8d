/**
 * How messages reach people, in words: modes, windows, caps, focus blocks and holidays as replies
 * show them (src/domain/notify.ts has the rules), what is held for someone and why, and validation
 * errors from TenantSettings named as the command's own options. Pure, apart from finding the
 * tenant's Context Optimizer.
 */
import type { ContextOptimizerAgent, HeldItem, PersonState } from "../../agents/context-optimizer";
import { contextOptimizerAgent } from "../../agents/context-optimizer";
import type { AgentStatus } from "../../agents/model";
import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import { type Reply, type ReplyField, reply } from "../../chat/reply";
import { plural } from "../../chat/text";
import type { DayRange, FocusBlock, HoldReason, NotifyMode, NotifyPrefs } from "../../domain/notify";
import { type Outcome, unwrap } from "../../platform/errors";
import type { Remote } from "../../platform/rpc";
import type { OwnNotify, TeamNotify } from "../../settings/notify-prefs";
import { describeDays } from "../../settings/time";
import type { CommandContext } from "../context";
import { readerTime } from "./format";
import { need, tenantCoordinator } from "./shared";

/** `09:30, 13:30 and 16:30`. */
export function timesText(times: readonly string[]): string {
  if (times.length <= 1) return times[0] ?? "none";
  return `${times.slice(0, -1).join(", ")} and ${times[times.length - 1]}`;
}

/** What a mode does, in one sentence after "Messages reach you …" / "… reach people …". */
export function modeMeaning(mode: NotifyMode, windows: readonly string[]): string {
  switch (mode) {
    case "immediate":
      return "as they happen";
    case "batched":
      return `batched: held for the windows at ${timesText(windows)} and sent there as one message`;
    case "digest":
      return `once a day, at ${windows[0] ?? "the first window"}, as one message`;
  }
}

const URGENT_NOTE =
  "Urgent items (SLA breaches, escalations, urgent labels) skip the windows, focus blocks and the cap.";

export const ALWAYS_NOTE = `Whatever the mode, nothing arrives outside working hours, on a holiday, while out of office or in a focus block: it waits for the next moment that is none of these. ${URGENT_NOTE}`;

/**
 * What holds whatever the mode, for someone with windows of their own (`ownWindows`): those open
 * on any day they are not away, even outside working hours; the team's open inside them only.
 */
export const alwaysNote = (ownWindows: boolean) =>
  ownWindows
    ? `Nothing arrives on a holiday, while out of office or in a focus block; outside working hours only at the windows you chose. ${URGENT_NOTE}`
    : ALWAYS_NOTE;

/** `Tue, Thu 09:00-12:00`. */
export const focusText = (b: FocusBlock) => `${describeDays(b.days)} ${b.start}-${b.end}`;

/** `2026-12-24`, or `2026-12-24 to 2026-12-31`. */
export const rangeText = (r: DayRange) => (r.from === r.until ? r.from : `${r.from} to ${r.until}`);

/** Holidays not over by `today` (YYYY-MM-DD), as text; `none ahead` when there are none. */
export function holidaysText(ranges: readonly DayRange[], today: string): string {
  const ahead = ranges.filter((r) => r.until >= today);
  return ahead.length ? ahead.map(rangeText).join(", ") : "none ahead";
}

const whose = (own: boolean) => (own ? "yours" : "the team's default");

/** A member's notify settings as fields: what applies, and whether it is theirs or the team's. */
export function notifyFields(
  own: OwnNotify,
  team: TeamNotify,
  effective: NotifyPrefs,
  today: string,
): ReplyField[] {
  const cap = `${plural(effective.dailyCap, "message")} a day (${whose(own.dailyCap !== undefined)})${
    effective.mode === "immediate" ? "" : "; it counts in immediate mode"
  }`;
  return [
    { label: "Mode", value: `**${effective.mode}** (${whose(own.mode !== undefined)})` },
    { label: "Windows", value: `${effective.windows.join(", ")} (${whose(own.windows !== undefined)})` },
    { label: "Daily cap", value: cap },
    { label: "Focus blocks", value: own.focus.length ? own.focus.map(focusText).join("; ") : "none" },
    { label: "Your holidays", value: holidaysText(own.holidays, today) },
    { label: "Team holidays", value: holidaysText(team.holidays, today) },
  ];
}

/** The team's defaults as fields. */
export function teamFields(team: TeamNotify, today: string): ReplyField[] {
  return [
    { label: "Mode", value: `**${team.mode}**` },
    { label: "Windows", value: team.windows.join(", ") },
    { label: "Daily cap", value: `${plural(team.dailyCap, "message")} a day` },
    { label: "Team holidays", value: holidaysText(team.holidays, today) },
  ];
}

/** Mode, windows and cap before and after a change: `mode batched → immediate; daily cap 6 → 4`. */
export function changesOf(
  before: Pick<NotifyPrefs, "mode" | "windows" | "dailyCap">,
  after: Pick<NotifyPrefs, "mode" | "windows" | "dailyCap">,
): string[] {
  const out: string[] = [];
  if (before.mode !== after.mode) out.push(`mode ${before.mode} → **${after.mode}**`);
  if (before.windows.join() !== after.windows.join())
    out.push(`windows ${before.windows.join(", ")} → **${after.windows.join(", ")}**`);
  if (before.dailyCap !== after.dailyCap) out.push(`daily cap ${before.dailyCap} → **${after.dailyCap}**`);
  return out;
}

const REASONS: Record<HoldReason, string> = {
  away: "you are away that day (holiday or out of office)",
  "off-hours": "outside your working hours",
  focus: "during your focus block",
  window: "waiting for your next window",
  cap: "over your daily cap",
  burst: "more about the same pull request came at once",
};

/** Why an item is held, in words (`window` in digest mode: the daily message). */
export const reasonText = (reason: HoldReason, mode: NotifyMode) =>
  reason === "window" && mode === "digest" ? "waiting for your daily message" : REASONS[reason];

/**
 * One line per held item: its one-line text (Foreman's own, outside values in it already inert),
 * why it is held and when it goes. A release sends everything held at once, so an item goes at the
 * person's next release even when its own time is later.
 */
export function heldLines(state: PersonState, zone: string): string[] {
  const next = state.nextReleaseAt === null ? null : Date.parse(state.nextReleaseAt);
  return state.held.map((h: HeldItem) => {
    const own = Date.parse(h.releaseAt);
    const at = next === null ? own : Math.min(own, next);
    const text = h.text.replace(/\s+/g, " ").trim() || literal(h.pr ? `${h.pr.repo}#${h.pr.number}` : h.kind);
    return `${text} — ${reasonText(h.reason, state.mode)}; goes ${readerTime(at, zone)}`;
  });
}

/** Today's counts as lines. */
export function todayLines(state: PersonState, cap: number): string[] {
  const t = state.today;
  const focus = t.focusInterruptions ? ` · Urgent during focus: ${t.focusInterruptions}` : "";
  return [
    `Messages sent: **${t.sent}** of your daily cap of ${cap}`,
    `Held: ${t.held} · Merged into others: ${t.merged} · Interruptions avoided: ${t.avoided}${focus}`,
  ];
}

export interface Optimizer {
  agent: Remote<ContextOptimizerAgent>;
  status: AgentStatus;
}

/** The tenant's Context Optimizer (the standing one, else a live one); null when there is none. Never spawns. */
export async function findOptimizer(ctx: CommandContext): Promise<Optimizer | null> {
  const pick = unwrap(await tenantCoordinator(ctx).liveAgent("context-optimizer"));
  return pick ? { agent: contextOptimizerAgent(ctx.env, pick.agentId), status: pick.status } : null;
}

export const PAUSED_NOTE =
  "Message routing is paused in this workspace (the Context Optimizer agent): messages reach people directly as they happen, whatever their mode.";

const FIELD_NAMES: Record<string, { slack: string; discord: string }> = {
  mode: { slack: "the mode", discord: "the mode" },
  windows: { slack: "`--at` (the windows)", discord: "`at` (the windows)" },
  dailyCap: { slack: "`--cap` (the daily cap)", discord: "`cap` (the daily cap)" },
  addFocus: { slack: "the focus block", discord: "the focus block" },
  clearFocus: { slack: "the focus blocks", discord: "the focus blocks" },
  addHoliday: { slack: "the dates", discord: "the dates" },
  clearHolidays: { slack: "the holidays", discord: "the holidays" },
  workingHours: { slack: "the working hours", discord: "the working hours" },
  tz: { slack: "the time zone", discord: "the time zone" },
};

function fieldName(field: string, platform: ChatPlatform): string {
  const [head = "", sub] = field.split(".");
  const key = FIELD_NAMES[head] ? head : (sub ?? field);
  return FIELD_NAMES[key]?.[platform] ?? literal(key);
}

/**
 * The value of a settings write, or the private answer for its validation error: nothing changed,
 * the field named as the command's option, and the right form. Other failures are thrown (`need`).
 */
export function settled<T>(
  outcome: Outcome<T>,
  ctx: CommandContext,
  usage: string,
): { ok: true; value: T } | { ok: false; reply: Reply } {
  if (outcome.ok || outcome.error.status !== 400) return { ok: true, value: need(outcome) };
  const details = outcome.error.details as { issues?: { field?: unknown; message?: unknown }[] } | undefined;
  const issue = details?.issues?.[0];
  const field = typeof issue?.field === "string" ? issue.field : "";
  const message = typeof issue?.message === "string" ? issue.message : outcome.error.message;
  const text = `Nothing was changed: ${fieldName(field, ctx.place.platform)}: ${literal(message)}.`;
  return {
    ok: false,
    reply: reply(text, { tone: "error", sections: [{ text, lines: [`Usage: \`${usage}\``] }] }),
  };
}
