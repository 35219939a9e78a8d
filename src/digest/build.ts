/**
 * The review digest of one channel: PRs waiting for review grouped by whose turn it is, oldest
 * first, with working-time age and SLA state; each reviewer's load; what merged in the last 24 h;
 * bottlenecks. Pure: time, people and data come in as parameters. Sections are capped so the result
 * reads well within Slack's (50 blocks, 3,000 chars a section) and Discord's (10 embeds, 6,000
 * chars) limits; the renderers cut whatever is still too long behind "…and N more".
 */

import { SLA_STATE_TEXT } from "../agents/review-manager/model/format";
import { encodeAction } from "../chat/actions";
import { code, link as linkTo, literal } from "../chat/markup";
import { type Reply, type ReplySection, reply } from "../chat/reply";
import { capped, plural } from "../chat/text";
import type { SlaState } from "../domain/sla";
import { HOUR_MS } from "../domain/time";

/** PRs shown per reviewer before "…and N more". */
export const MAX_PRS_PER_REVIEWER = 5;
/** Reviewer groups shown before "…and N more reviewers". */
export const MAX_REVIEWER_GROUPS = 8;
export const MAX_MERGED_LINES = 10;
/** The most PRs one digest reads (the longest-waiting first); past it, the digest says how many wait. */
export const DIGEST_MAX_PRS = 5_000;
const MAX_TITLE = 80;

export interface DigestReviewer {
  login: string;
  /** How to name them in chat (neutral markup): a live mention where known, else `` `bob` ``. */
  mention: string;
}

export interface DigestPr {
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string | null;
  reviewers: DigestReviewer[];
  waitingWorkingMs: number;
  /** The worst SLA state among its reviewers; null when no SLA runs. */
  state: SlaState | null;
  draft?: boolean;
  approvals?: number;
  labels?: string[];
  /** Linked Linear issues, already as neutral markup (src/agents/review-manager/model/linear.ts `linearText`). */
  linear?: string;
}

export interface DigestMerged {
  repo: string;
  number: number;
  title: string;
}

export interface DigestFilters {
  ignoreDrafts?: boolean;
  /** Leave out PRs with at least this many approvals (0: off). */
  ignoreApprovedAtLeast?: number;
  /** Leave out PRs waiting fewer working hours than this (0: off). */
  minAgeHours?: number;
  /** Only PRs carrying at least one of these labels. */
  requiredLabels?: string[];
  /** Leave out PRs carrying any of these labels. */
  ignoredLabels?: string[];
}

export interface DigestInput {
  /** `acme/api, acme/web`: named in the title (outside text). */
  channelLabel: string;
  nowMs: number;
  prs: DigestPr[];
  /** Merged in the last 24 h; null when unknown (the section is left out). */
  merged24h: DigestMerged[] | null;
  /**
   * The repository with the slowest median time to first review over the last 7 days (wall clock,
   * from the review metrics). Absent: the bottleneck falls back to the open PRs' average wait.
   */
  slowestRepo?: DigestSlowestRepo;
  filters?: DigestFilters;
  emptyMode: "post" | "skip";
  /**
   * How many PRs wait in all, when `prs` holds only the longest-waiting DIGEST_MAX_PRS of them (the
   * digest then says so).
   */
  waitingTotal?: number;
}

export interface DigestSlowestRepo {
  repo: string;
  medianMs: number;
  /** First reviews behind the median. */
  count: number;
}

const NOBODY = "Nobody assigned";
const lower = (labels: readonly string[] = []) => labels.map((l) => l.toLowerCase());

/** The PRs the filters keep (GitHub scheduled reminders' semantics). */
export function applyFilters(prs: readonly DigestPr[], f: DigestFilters = {}): DigestPr[] {
  const required = lower(f.requiredLabels);
  const ignored = lower(f.ignoredLabels);
  return prs.filter((pr) => {
    const labels = lower(pr.labels);
    if (f.ignoreDrafts && pr.draft) return false;
    if (f.ignoreApprovedAtLeast && (pr.approvals ?? 0) >= f.ignoreApprovedAtLeast) return false;
    if (f.minAgeHours && pr.waitingWorkingMs < f.minAgeHours * HOUR_MS) return false;
    if (required.length && !labels.some((l) => required.includes(l))) return false;
    if (ignored.length && labels.some((l) => ignored.includes(l))) return false;
    return true;
  });
}

/** The active filters in words (`drafts left out · 2+ approvals left out`); "" when none. */
export function describeFilters(f: DigestFilters = {}): string {
  const parts = [
    f.ignoreDrafts ? "drafts left out" : "",
    f.ignoreApprovedAtLeast ? `${f.ignoreApprovedAtLeast}+ approvals left out` : "",
    f.minAgeHours ? `waiting under ${f.minAgeHours} working h left out` : "",
    f.requiredLabels?.length ? `only labels ${literal(f.requiredLabels.join(", "))}` : "",
    f.ignoredLabels?.length ? `labels ${literal(f.ignoredLabels.join(", "))} left out` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

/** `14.5 working h`: age in working hours, one decimal. */
export function workingHours(ms: number): string {
  return `${Math.round((Math.max(0, ms) / HOUR_MS) * 10) / 10} working h`;
}

/** `[acme/api#42](url) Fix the thing`: a link Foreman makes, then the (shortened) title as text. */
function link(pr: DigestMerged & { url?: string }): string {
  const ref = literal(`${pr.repo}#${pr.number}`);
  const label = (pr.url ? linkTo(ref, pr.url) : null) ?? `**${ref}**`;
  const title = pr.title.replaceAll("\n", " ");
  return `${label} ${literal(title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title)}`;
}

function prLine(pr: DigestPr): string {
  const state = pr.state ? ` · **${SLA_STATE_TEXT[pr.state]}**` : "";
  const linear = pr.linear ? ` · Linear: ${pr.linear}` : "";
  const draft = pr.draft ? " · draft" : "";
  return `${link(pr)} — ${workingHours(pr.waitingWorkingMs)}${state}${draft}${linear}`;
}

interface Group {
  key: string;
  who: string;
  prs: DigestPr[];
}

/** One group per reviewer (a PR with two reviewers is in both), then nobody; each oldest first. */
function groupByReviewer(prs: readonly DigestPr[]): Group[] {
  const groups = new Map<string, Group>();
  for (const pr of prs) {
    const whose = pr.reviewers.length ? pr.reviewers : [null];
    for (const r of whose) {
      const key = r ? r.login.toLowerCase() : "";
      const group = groups.get(key) ?? { key, who: r ? r.mention : NOBODY, prs: [] };
      group.prs.push(pr);
      groups.set(key, group);
    }
  }
  const all = [...groups.values()];
  for (const g of all) g.prs.sort((a, b) => b.waitingWorkingMs - a.waitingWorkingMs);
  const oldest = (g: Group) => g.prs[0]?.waitingWorkingMs ?? 0;
  // Nobody assigned first (it needs someone), then whoever has waited longest.
  return all.sort((a, b) => Number(b.key === "") - Number(a.key === "") || oldest(b) - oldest(a));
}

function stateNotes(prs: readonly DigestPr[]): string {
  const breached = prs.filter((p) => p.state === "breached").length;
  const atRisk = prs.filter((p) => p.state === "at_risk").length;
  const notes = [breached ? `${breached} breached` : "", atRisk ? `${atRisk} at risk` : ""].filter(Boolean);
  return notes.length ? ` (${notes.join(", ")})` : "";
}

function groupSection(g: Group): ReplySection {
  const title = `${g.who} — ${plural(g.prs.length, "pull request")}${stateNotes(g.prs)}`;
  return { title, lines: capped(g.prs.map(prLine), MAX_PRS_PER_REVIEWER) };
}

function bottlenecks(
  prs: readonly DigestPr[],
  groups: readonly Group[],
  slowest: DigestSlowestRepo | undefined,
): string[] {
  const lines: string[] = [];
  const busiest = [...groups]
    .filter((g) => g.key !== "")
    .sort((a, b) => b.prs.length - a.prs.length || a.key.localeCompare(b.key))[0];
  if (busiest && busiest.prs.length > 1) {
    lines.push(
      `Most waiting on one reviewer: ${busiest.who} (${plural(busiest.prs.length, "pull request")})`,
    );
  }
  const repos = new Map<string, number[]>();
  for (const pr of prs) repos.set(pr.repo, [...(repos.get(pr.repo) ?? []), pr.waitingWorkingMs]);
  if (slowest) {
    const median = `${Math.round((slowest.medianMs / HOUR_MS) * 10) / 10} h`;
    lines.push(
      `Slowest first review (last 7 days): ${code(slowest.repo)} (median ${median} over ${plural(slowest.count, "pull request")})`,
    );
  } else if (repos.size > 1) {
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [repo, waits] = [...repos.entries()].sort((a, b) => avg(b[1]) - avg(a[1]))[0] ?? ["", [0]];
    lines.push(`Slowest repository: ${code(repo)} (${workingHours(avg(waits))} waiting on average)`);
  }
  const nobody = groups.find((g) => g.key === "");
  if (nobody) lines.push(`${plural(nobody.prs.length, "pull request")} with nobody assigned`);
  return lines;
}

function mergedSection(merged: readonly DigestMerged[] | null): ReplySection[] {
  if (merged === null) return [];
  const title = `Merged in the last 24 h: ${merged.length}`;
  return [{ title, lines: capped(merged.map(link), MAX_MERGED_LINES) }];
}

/** The digest reply, or null when nothing waits and `emptyMode` is "skip". */
export function buildDigest(input: DigestInput): Reply | null {
  const prs = applyFilters(input.prs, input.filters);
  const title = `Review digest for ${literal(input.channelLabel)}`;
  const buttons = [{ action: encodeAction("digest.refresh"), label: "Refresh" }];
  if (prs.length === 0) {
    if (input.emptyMode === "skip") return null;
    const merged = input.merged24h?.length
      ? ` ${plural(input.merged24h.length, "merged")} in the last 24 h.`
      : "";
    const text = `No pull requests are waiting for review.${merged}`;
    return reply(text, { ephemeral: false, tone: "success", title, sections: [{ text }], buttons });
  }
  const groups = groupByReviewer(prs);
  // Only the longest-waiting DIGEST_MAX_PRS were read: the header says how many wait in all.
  const total = input.waitingTotal ?? 0;
  const text =
    total > input.prs.length
      ? `${plural(total, "pull request")} waiting for review; the ${input.prs.length.toLocaleString("en-US")} that waited longest are grouped below${stateNotes(prs)}.`
      : `${plural(prs.length, "pull request")} waiting for review${stateNotes(prs)}, oldest first.`;
  const load = groups.map((g) => `${g.who}: ${g.prs.length}${stateNotes(g.prs)}`);
  const shown = groups.slice(0, MAX_REVIEWER_GROUPS).map(groupSection);
  const hidden = groups.length - shown.length;
  const sections: ReplySection[] = [
    { text, lines: bottlenecks(prs, groups, input.slowestRepo) },
    ...shown,
    ...(hidden > 0 ? [{ text: `…and ${plural(hidden, "more reviewer")} (see Load below)` }] : []),
    { title: "Load (pull requests waiting)", lines: [capped(load, 15).join(" · ")] },
    ...mergedSection(input.merged24h),
  ];
  const breached = prs.some((p) => p.state === "breached");
  return reply(text, {
    ephemeral: false,
    tone: breached ? "warning" : "info",
    title,
    sections,
    buttons,
    footer: [
      `As of ${new Date(input.nowMs).toISOString().slice(0, 16).replace("T", " ")} UTC`,
      describeFilters(input.filters),
    ]
      .filter(Boolean)
      .join(" · "),
  });
}
