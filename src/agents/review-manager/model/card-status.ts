/**
 * Where a review stands, for a card edited in place: a headline that says it at a glance (waiting,
 * in review, changes requested, approved, merged, closed), the card's tone, and a signature of the
 * state the card shows (an edit is only sent when it changed). Pure.
 */
import { literal } from "../../../chat/markup";
import type { ChatPlatform } from "../../../chat/platform";
import type { Tone } from "../../../chat/reply";
import { prRef } from "../../../domain/pr-refs";
import { slaState } from "../../../domain/sla";
import type { People } from "./candidates";
import { mention } from "./format";
import { isActive, type ReviewerRecord, type TrackedPr } from "./model";

export interface CardStatus {
  headline: string;
  tone: Tone;
}

const list = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

/** The headline and tone of `pr`'s card as things stand at `nowMs`. */
export function cardStatus(
  pr: TrackedPr,
  reviewers: readonly ReviewerRecord[],
  people: People,
  platform: ChatPlatform,
  nowMs: number,
): CardStatus {
  const ref = literal(prRef(pr));
  const who = (rs: readonly ReviewerRecord[]) => list(rs.map((r) => mention(r.login, people, platform)));
  if (pr.state === "merged") return { headline: `${ref} was merged.`, tone: "success" };
  if (pr.state === "closed") return { headline: `${ref} was closed without merging.`, tone: "info" };
  if (pr.draft) return { headline: `${ref} is a draft again: its review clocks are paused.`, tone: "info" };
  const reviewed = reviewers.filter((r) => r.status === "reviewed");
  const changes = reviewed.filter((r) => r.reviewState === "changes_requested");
  const approved = reviewed.filter((r) => r.reviewState === "approved");
  const active = reviewers.filter((r) => isActive(r.status));
  if (changes.length > 0) {
    return { headline: `${who(changes)} requested changes to ${ref}.`, tone: "warning" };
  }
  if (active.length === 0 && approved.length > 0 && approved.length === reviewed.length) {
    return { headline: `${ref} is approved by ${who(approved)}.`, tone: "success" };
  }
  const inReview = active.filter((r) => r.status === "in_progress");
  const waiting = active.filter((r) => r.status === "requested");
  const breached = active.some(
    (r) => r.sla && r.pausedAtMs === null && slaState(nowMs, r.sla) === "breached",
  );
  const parts: string[] = [];
  if (inReview.length)
    parts.push(`${who(inReview)} ${inReview.length === 1 ? "is" : "are"} reviewing ${ref}`);
  if (waiting.length) parts.push(`waiting for ${who(waiting)}`);
  if (approved.length) parts.push(`approved by ${who(approved)}`);
  const commented = reviewed.filter((r) => r.reviewState === "commented");
  if (commented.length) parts.push(`comments from ${who(commented)}`);
  if (parts.length === 0) return { headline: `${ref} has no reviewer right now.`, tone: "warning" };
  const [first = "", ...rest] = parts;
  const lead = inReview.length ? first : `${ref}: ${first}`;
  const text = [lead, ...rest].join("; ");
  return breached
    ? { headline: `${text} — review SLA breached.`, tone: "error" }
    : { headline: `${text}.`, tone: "info" };
}

/** What a card shows of the review (PR state and every reviewer's part): equal means no edit is needed. */
export function cardSignature(pr: TrackedPr, reviewers: readonly ReviewerRecord[]): string {
  return JSON.stringify([
    pr.state,
    pr.draft,
    pr.title,
    reviewers
      .map((r) => [
        r.login,
        r.status,
        r.reviewState,
        r.claimedBy?.id ?? null,
        r.sla?.breachAtMs ?? null,
        r.pausedAtMs,
        r.fired,
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  ]);
}
