/**
 * The review-rhythm suggestion on `/foreman me` and the Slack Home tab: when someone actually
 * reviewed over the last 30 days (the Review Manager's `reviewRhythm`) and notify windows half an
 * hour before those times, offered with a **Use these windows** button that runs
 * `me notify batched --at …` for whoever clicks it (src/chat/actions.ts `me.windows`). It changes
 * nothing by itself. Reading starts no agent: the live Review Manager is asked, as the Home tab's
 * review queue asks it; without one, or with too few reviews, nothing is shown.
 */
import { reviewManagerAgent } from "../../agents/review-manager";
import { encodeAction, windowsArg } from "../../chat/actions";
import type { ReplyButton, ReplySection } from "../../chat/reply";
import type { NotifyMode, NotifyPrefs } from "../../domain/notify";
import { parseClockTime } from "../../domain/time";
import { logger } from "../../observability/logger";
import { errorMessage, unwrap } from "../../platform/errors";
import type { TeamMember } from "../../settings/model";
import type { CommandContext } from "../context";
import { timesText } from "./notify-text";
import { tenantCoordinator } from "./shared";

export interface RhythmSuggestion {
  section: ReplySection;
  buttons: ReplyButton[];
}

export const USE_WINDOWS = "Use these windows";

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** A suggested window opens half an hour before the half hour the person reviews in most. */
const reviewTime = (window: string) => hhmm(Math.min((parseClockTime(window) ?? 0) + 30, 23 * 60 + 59));

const MODE_NOW: Readonly<Record<NotifyMode, string>> = {
  immediate: "as they happen",
  batched: "batched",
  digest: "once a day",
};

/** Windows the person's reviews suggest, when they differ from theirs now; null: nothing to show. */
export async function rhythmSuggestion(
  ctx: CommandContext,
  member: TeamMember,
  effective: NotifyPrefs,
): Promise<RhythmSuggestion | null> {
  try {
    const pick = unwrap(await tenantCoordinator(ctx).liveAgent("review-manager"));
    if (!pick) return null;
    const outcome = await reviewManagerAgent(ctx.env, pick.agentId).reviewRhythm(member.github, member.tz);
    if (!outcome.ok) throw new Error(outcome.error.message);
    const { reviews, windows } = outcome.value;
    if (!windows || windows.length === 0) return null;
    const same =
      windows.length === effective.windows.length && windows.every((w, i) => w === effective.windows[i]);
    if (same) return null;
    const text = `You usually review around ${timesText(windows.map(reviewTime))} (your last ${reviews} reviews): windows at ${windows.join(", ")} would have your reviews waiting when you sit down.`;
    const lines = [
      ...(effective.mode === "batched"
        ? []
        : [
            `**${USE_WINDOWS}** also switches you to batched: messages reach you ${MODE_NOW[effective.mode]} now, and would wait for these windows.`,
          ]),
      `Nothing changes unless you click it (or type \`/foreman me notify batched --at ${windows.join(",")}\`).`,
    ];
    const action = encodeAction("me.windows", windowsArg(windows));
    return {
      section: { title: "When you review", text, lines },
      buttons: [{ action, label: USE_WINDOWS, style: "primary" }],
    };
  } catch (err) {
    logger("commands").warn("review rhythm unavailable", {
      correlationId: ctx.correlationId,
      tenant: ctx.tenant,
      error: errorMessage(err),
    });
    return null;
  }
}
