/**
 * `/foreman insights [owner/repo]`: a short, honest summary of bottlenecks and review quality
 * (docs/insights.md), from the tenant's live Review Manager and Integration Dashboard
 * (src/agents/integration-dashboard/insights.ts; nothing is started). Reviewers over capacity are
 * named whether or not their reviews are aging yet; those with aging reviews are bottlenecks, with a
 * suggested action and a Rebalance button. Logins and repository names are outside text (`literal`).
 */
import { gatherInsights, type InsightsAnswer } from "../../agents/integration-dashboard";
import { encodeAction } from "../../chat/actions";
import { code, literal } from "../../chat/markup";
import { type Reply, type ReplyButton, type ReplySection, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import { type Bottleneck, type Quantiles, type ReviewerLoad, workingTime } from "../../domain/insights";
import { EFFECTIVE_MAX_LINES, MANY_ROUNDS, sizeEffectText } from "../../domain/review-quality";
import { githubLoginSchema } from "../../domain/values";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";

/** Weeks (7-day windows ending now) the chat summary covers. */
export const CHAT_WEEKS = 4;
const MAX_LINES = 5;
const MAX_BUTTONS = 5;

export async function insights(command: CommandOf<"insights">, ctx: CommandContext): Promise<Reply> {
  const answer = await gatherInsights(ctx.env, ctx.tenant, {
    weeks: CHAT_WEEKS,
    ...(command.repo ? { repo: command.repo } : {}),
  });
  return insightsReply(answer, command.repo ?? null);
}

const bold = (login: string) => `**${literal(login)}**`;
const pr = (ref: { repo: string; number: number }) => code(`${ref.repo}#${ref.number}`);
const load = (l: Pick<ReviewerLoad, "open" | "capacity" | "oldestWaitingMs">) =>
  `${plural(l.open, "open review")}, capacity ${l.capacity}, oldest waiting ${workingTime(l.oldestWaitingMs)}`;

function bottleneckLine(b: Bottleneck): string {
  if (b.kind === "reviewer") {
    const aging = `${b.aging} aging`;
    return `${bold(b.login)}: ${load(b)} (${aging}) — rebalance: reassign the oldest, ${pr(b.oldest)}`;
  }
  return (
    `${code(b.repo)}: P75 time to first review ${workingTime(b.p75Ms)} in the last 7 days, ` +
    `${workingTime(b.previousP75Ms)} the 7 before (doubled) — spread its reviews: more reviewers here`
  );
}

const overLine = (l: ReviewerLoad) =>
  `${bold(l.login)}: ${load(l)} — none aging yet: over capacity, not a bottleneck yet`;

const q = (label: string, s: Quantiles) =>
  s.count === 0 ? null : `${label} P50 ${workingTime(s.p50Ms ?? 0)}, P75 ${workingTime(s.p75Ms ?? 0)}`;

function repoLines(answer: InsightsAnswer): string[] {
  return answer.repos
    .filter((r) => (r.weeks[0]?.firstReview.count ?? 0) > 0)
    .slice(0, 3)
    .map((r) => {
      const week = r.weeks[0];
      if (!week) return code(r.repo);
      const ratio = r.trend.p75Ratio;
      const trend = ratio === null ? "" : ` (P75 ×${ratio} against the 7 days before)`;
      const parts = [
        `${q("first review", week.firstReview)}${trend}`,
        q("in review", week.inReview),
        q("to merge", week.toMerge),
      ].filter((p): p is string => p !== null);
      return `${code(r.repo)}: ${parts.join("; ")}`;
    });
}

function qualityLines(answer: InsightsAnswer): string[] {
  const { quality } = answer;
  const lines: string[] = [];
  for (const r of quality.repos) {
    const { size, rounds, concentration: c } = r;
    if (size.overRange > 0) {
      lines.push(
        `${code(r.repo)}: ${size.overRange} of ${plural(size.prs, "PR")} over ${EFFECTIVE_MAX_LINES} lines` +
          ` (median ${size.medianLines ?? 0} lines)`,
      );
    }
    if (rounds.many > 0) {
      lines.push(
        `${code(r.repo)}: ${plural(rounds.many, "PR")} went ${MANY_ROUNDS}+ review rounds (${rounds.mean ?? 0} on average)`,
      );
    }
    if (rounds.mergedWithoutReview > 0) {
      lines.push(`${code(r.repo)}: ${plural(rounds.mergedWithoutReview, "PR")} merged without a review`);
    }
    const top = c.top[0];
    if (c.silo && top) {
      lines.push(
        `${code(r.repo)}: ${bold(top.reviewer)} did ${Math.round(top.share * 100)}% of ${c.reviews} reviews — a knowledge silo`,
      );
    }
  }
  for (const p of quality.reviewers) {
    const notes = [
      p.quick ? `${plural(p.quick, "approval")} within 5 minutes of the request` : "",
      p.silentLarge
        ? `${plural(p.silentLarge, "approval")} of a PR over ${EFFECTIVE_MAX_LINES} lines without a comment`
        : "",
    ].filter(Boolean);
    if (notes.length) lines.push(`${bold(p.reviewer)}: ${notes.join(", ")}`);
  }
  const effect = sizeEffectText(quality.sizeEffect);
  if (effect) {
    const { over, under } = quality.sizeEffect;
    const medians = `median ${workingTime(over.medianMs ?? 0)} against ${workingTime(under.medianMs ?? 0)}`;
    lines.push(`${effect[0]?.toUpperCase()}${effect.slice(1)} (${medians} to first review)`);
  }
  return lines;
}

function rebalanceButtons(bottlenecks: readonly Bottleneck[]): ReplyButton[] {
  return bottlenecks
    .flatMap((b) => (b.kind === "reviewer" && githubLoginSchema.safeParse(b.login).success ? [b.login] : []))
    .slice(0, MAX_BUTTONS)
    .map((login) => ({ action: encodeAction("review.rebalance", login), label: `Rebalance ${login}` }));
}

/** The chat summary of `answer` (pure). */
export function insightsReply(answer: InsightsAnswer, repo: string | null): Reply {
  const title = "Insights";
  const where = repo ? ` in ${code(repo.toLowerCase())}` : "";
  if (answer.empty) {
    const text = `Nothing to report yet${where}: no open reviews, and no reviews recorded in the last ${answer.weeks} weeks.`;
    const { reviewManager, integrationDashboard } = answer.sources;
    const lines =
      reviewManager || integrationDashboard
        ? []
        : [
            "Insights read the Review Manager's queue and the Integration Dashboard's review facts; both start when a repository is linked: `/foreman link github owner/repo`.",
          ];
    return reply(text, { title, tone: "info", sections: [lines.length ? { text, lines } : { text }] });
  }
  const over = answer.reviewers.filter((l) => l.overCapacity);
  const people = answer.bottlenecks.filter((b) => b.kind === "reviewer").length;
  const text =
    over.length > 0
      ? `Over capacity${where}: ${over.map((l) => bold(l.login)).join(", ")} (capacity ${answer.capacity}). ` +
        (people > 0
          ? `${plural(people, "bottleneck")} with aging reviews.`
          : "No review of theirs is aging yet.")
      : answer.capacity === null
        ? `No Review Manager is running, so open reviews are not known${where}.`
        : `No reviewer is over capacity${where} (capacity ${answer.capacity}).`;

  const sections: ReplySection[] = [{ text }];
  if (answer.bottlenecks.length) {
    sections.push({ title: "Bottlenecks", lines: capped(answer.bottlenecks.map(bottleneckLine), MAX_LINES) });
  }
  const waiting = over.filter((l) => !l.bottleneck);
  if (waiting.length)
    sections.push({ title: "Over capacity", lines: capped(waiting.map(overLine), MAX_LINES) });
  const repos = repoLines(answer);
  if (repos.length) {
    sections.push({ title: "Slowest repositories, last 7 days (working hours)", lines: repos });
  }
  const quality = qualityLines(answer);
  sections.push({
    title: `Review quality, last ${answer.weeks} weeks`,
    lines: quality.length
      ? capped(quality, MAX_LINES + 2)
      : [answer.quality.repos.length ? "Nothing stands out." : "No reviews recorded in these weeks yet."],
  });
  return reply(text, {
    title,
    tone: answer.bottlenecks.length ? "warning" : "info",
    sections,
    buttons: rebalanceButtons(answer.bottlenecks),
    footer:
      "Aging: past the SLA reminder (half the SLA), or 4 working hours without an SLA. Times are working hours. Details: `GET /api/insights`.",
  });
}
