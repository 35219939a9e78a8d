/**
 * The review card: one pull request, its reviewers (who, why, due when in their own time, status)
 * and the buttons Start review / Reassign / Snooze 2h. Assignment, reminder, breach and reassignment
 * messages are this card under a different headline. Pure: every instant and person is given.
 */

import { ACTION_PREFIX, encodeAction, MAX_ACTION_LENGTH, type ReviewVerb } from "../../../chat/actions";
import { HINTS } from "../../../chat/hints";
import { literal, userRef } from "../../../chat/markup";
import type { ChatPlatform } from "../../../chat/platform";
import type { Reply, ReplyButton, ReplySection, Tone } from "../../../chat/reply";
import type { AssignmentResult } from "../../../domain/assignment";
import { isPrTarget, prRef, shortTarget } from "../../../domain/pr-refs";
import { slaState } from "../../../domain/sla";
import { leadsOf, type People } from "./candidates";
import {
  code,
  duration,
  hours,
  localTime,
  mention,
  mentionAll,
  named,
  nameOf,
  prLink,
  SKIP_TEXT,
  SLA_STATE_TEXT,
  STATUS_TEXT,
} from "./format";
import { type LinearIssueLine, linearText } from "./linear";
import { isActive, type ReviewerRecord, type TrackedPr } from "./model";

export interface CardInput {
  pr: TrackedPr;
  /** The PR's reviewer rows; active and reviewed ones are shown. */
  reviewers: readonly ReviewerRecord[];
  people: People;
  platform: ChatPlatform;
  nowMs: number;
  /** The first line: what happened (assigned, reminder, breach, ...). */
  headline: string;
  tone?: Tone;
  /** Extra lines under the headline (e.g. why someone was picked). */
  lines?: string[];
  /** Linear issues the PR links (a "Linear" field when there are any). */
  linear?: readonly LinearIssueLine[];
  /** What the forecast says of each active reviewer's review, by `login:seq` (lower case). */
  likely?: ReadonlyMap<string, ReviewLikely>;
  /** A note under the PR line (a very large PR: consider splitting). */
  note?: string;
}

/** The forecast of one review as the card shows it. */
export interface ReviewLikely {
  /** When the review is likely (the median, given it has not come yet), epoch ms. */
  atMs: number;
  /** The chance it misses the SLA is above the tenant's threshold. */
  atRisk: boolean;
}

export const likelyKey = (login: string, seq: number) => `${login.toLowerCase()}:${seq}`;

/**
 * The button id for `verb` on `pr`: `owner/repo#n`, or the short `p<id>` when that would not fit
 * (or the repository name a delivery carried is not one GitHub allows).
 */
export function reviewButtonId(verb: ReviewVerb, pr: Pick<TrackedPr, "id" | "repo" | "number">): string {
  const ref = prRef(pr);
  const fits = ACTION_PREFIX.length + verb.length + ref.length + 2 <= MAX_ACTION_LENGTH && isPrTarget(ref);
  return encodeAction(verb, fits ? ref : shortTarget(pr.id));
}

function reviewerSection(r: ReviewerRecord, input: CardInput): ReplySection {
  const { people, platform, nowMs } = input;
  let status = `**${STATUS_TEXT[r.status]}**`;
  if (r.status === "in_progress" && r.claimedBy) status += ` (started by ${userRef(r.claimedBy.id)})`;
  if (r.status === "reviewed" && r.reviewState) status += ` (${literal(r.reviewState.replace("_", " "))})`;
  const fields = [
    { label: "Reviewer", value: named(r.login, people, platform) },
    { label: "Status", value: status },
  ];
  if (r.reason) fields.push({ label: "Why", value: r.reason });
  if (r.previous) fields.push({ label: "Took over from", value: mention(r.previous, people, platform) });
  if (r.sla && isActive(r.status)) {
    const due = localTime(r.sla.breachAtMs, r.sla.schedule.tz);
    const likely = r.pausedAtMs === null ? input.likely?.get(likelyKey(r.login, r.seq)) : undefined;
    const sla = `${hours(r.sla.budgetMs)} of working time`;
    const clock = slaState(nowMs, r.sla);
    const state =
      r.pausedAtMs !== null
        ? "paused while draft"
        : clock === "ok" && likely?.atRisk
          ? "at risk by its forecast"
          : SLA_STATE_TEXT[clock];
    // "likely" where it says something: before the breach, and not the same minute as the due time.
    const when =
      likely && clock !== "breached" && localTime(likely.atMs, r.sla.schedule.tz) !== due
        ? ` · likely ${localTime(likely.atMs, r.sla.schedule.tz)}`
        : "";
    fields.push({ label: "Due", value: `${due}${when} (${sla}; ${state})` });
  } else if (isActive(r.status)) {
    fields.push({ label: "Due", value: "no SLA (not on the team)" });
  }
  return { fields };
}

function buttons(input: CardInput): ReplyButton[] {
  const { pr, reviewers } = input;
  const active = reviewers.filter((r) => isActive(r.status));
  if (pr.state !== "open" || active.length === 0) return [];
  const out: ReplyButton[] = [];
  if (active.some((r) => r.status === "requested")) {
    out.push({ action: reviewButtonId("review.claim", pr), label: "Start review", style: "primary" });
  }
  out.push({ action: reviewButtonId("review.reassign", pr), label: "Reassign" });
  out.push({ action: reviewButtonId("review.snooze", pr), label: "Snooze 2h" });
  return out;
}

function prSection(
  pr: TrackedPr,
  input: Pick<CardInput, "people" | "platform" | "linear" | "note">,
): ReplySection {
  // The author opened it: named, never pinged by a card about their own PR.
  const by = pr.author ? ` — by ${nameOf(pr.author, input.people)}` : "";
  const state = pr.state !== "open" ? ` (**${pr.state}**)` : pr.draft ? " (**draft**)" : "";
  const text = `${prLink(pr)}${by}${state}`;
  const linear = linearText(input.linear ?? []);
  const section: ReplySection = linear ? { text, fields: [{ label: "Linear", value: linear }] } : { text };
  return input.note ? { ...section, lines: [input.note] } : section;
}

/** The card of one PR under `headline`. */
export function prCard(input: CardInput): Reply {
  const { pr } = input;
  const shown = input.reviewers.filter((r) => isActive(r.status) || r.status === "reviewed");
  const head: ReplySection = input.lines?.length
    ? { text: input.headline, lines: input.lines }
    : { text: input.headline };
  return {
    ephemeral: false,
    text: input.headline,
    title: `Review: ${literal(prRef(pr))}`,
    sections: [head, prSection(pr, input), ...shown.map((r) => reviewerSection(r, input))],
    buttons: buttons(input),
    tone: input.tone ?? "info",
  };
}

/** "Nobody could be assigned": who was skipped and why, with the team leads mentioned. */
export function nobodyCard(
  input: Omit<CardInput, "headline" | "reviewers">,
  result: AssignmentResult | null,
): Reply {
  const { pr, people, platform } = input;
  const ref = literal(prRef(pr));
  const headline = `Nobody could be assigned to review ${ref}.`;
  const skipped = result?.skipped ?? [];
  const why =
    people.size === 0
      ? [`No one is on the team yet: \`${HINTS.teamAddPerson[platform]}\`.`]
      : skipped.length
        ? skipped.map((s) => `${code(s.login)}: ${SKIP_TEXT[s.why]}`)
        : ["Everyone on the team is already reviewing it."];
  const leads = leadsOf(people);
  const ask = leads.length
    ? `${mentionAll(leads, platform, people)} please pick someone: ${code(HINTS.reviewAssign(prRef(pr))[platform])}`
    : `No team lead is set to ask: \`${HINTS.teamAddLead[platform]}\`.`;
  return {
    ephemeral: false,
    text: headline,
    title: `Review: ${ref}`,
    sections: [{ text: headline }, prSection(pr, input), { title: "Why", lines: why }, { text: ask }],
    buttons: [],
    tone: "warning",
  };
}

/** Headlines of the SLA steps and reassignments (`ref`: the PR's `owner/repo#n`, shown as text). */
export const headlines = {
  assigned: (ref: string, logins: string[], people: People, platform: ChatPlatform) =>
    `${logins.map((l) => mention(l, people, platform)).join(" and ")} ${logins.length === 1 ? "is" : "are"} asked to review ${literal(ref)}.`,
  reminder: (ref: string, r: ReviewerRecord, leftMs: number, people: People, platform: ChatPlatform) =>
    `Reminder: ${mention(r.login, people, platform)}, your review of ${literal(ref)} is due ${
      r.sla ? localTime(r.sla.breachAtMs, r.sla.schedule.tz) : "soon"
    } (${duration(leftMs)} of working time left).`,
  breach: (ref: string, r: ReviewerRecord, people: People, platform: ChatPlatform) => {
    const leads = leadsOf(people);
    const budget = r.sla ? hours(r.sla.budgetMs) : "its SLA";
    const to = leads.length ? ` ${mentionAll(leads, platform, people)} FYI.` : "";
    return `SLA breached: ${literal(ref)} has waited ${budget} of working time for ${mention(r.login, people, platform)}'s review.${to}`;
  },
  reassigned: (
    ref: string,
    from: string,
    to: string,
    because: string,
    people: People,
    platform: ChatPlatform,
  ) =>
    `Reassigned ${literal(ref)} from ${mention(from, people, platform)} to ${mention(to, people, platform)} because ${because}.`,
  stuck: (ref: string, r: ReviewerRecord, people: People, platform: ChatPlatform) => {
    const leads = leadsOf(people);
    const to = leads.length ? ` ${mentionAll(leads, platform, people)} please step in.` : "";
    return `${literal(ref)} is twice over its review SLA and nobody else is free to take it from ${mention(r.login, people, platform)}.${to}`;
  },
};
