/**
 * Keeping a reviewer in context (the Context Optimizer's task clustering, decided here where the
 * reviews are): after someone submits a review, the next review waiting for them — in the same
 * repository first, then the smallest — is offered with its button; a snoozed review comes back as a
 * short note at their next window. Both go to the person through the Context Optimizer.
 */
import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { prRef } from "../../domain/pr-refs";
import { reviewMinutes } from "../context-optimizer/message";
import type { TenantView, Work } from "./context";
import { loginKey } from "./model/candidates";
import { reviewButtonId } from "./model/cards";
import { duration, prLink } from "./model/format";
import { linearText } from "./model/linear";
import type { ReviewerRecord, TrackedPr } from "./model/model";
import { dmPerson } from "./notify";

const size = (pr: TrackedPr) =>
  pr.lines == null ? "" : `, ${pr.lines} lines, about ${reviewMinutes(pr.lines)} min`;

/** The review `login` should do next after `done`: same repository first, then fewest lines, then oldest. */
export function nextFor(work: Work, login: string, done: TrackedPr): TrackedPr | null {
  const waiting = work.store
    .queueOf(login)
    .filter((r) => r.status === "requested" && r.prId !== done.id)
    .flatMap((r) => {
      const pr = work.store.prById(r.prId);
      return pr && !pr.draft ? [pr] : [];
    });
  const rank = (pr: TrackedPr) =>
    [pr.repo === done.repo ? 0 : 1, pr.lines ?? Number.MAX_SAFE_INTEGER] as const;
  waiting.sort((a, b) => {
    const [ra, la] = rank(a);
    const [rb, lb] = rank(b);
    return ra - rb || la - lb;
  });
  return waiting[0] ?? null;
}

/** After `reviewer` reviewed `done`: their next review, as a message with its Start button. */
export function offerNext(work: Work, view: TenantView, done: TrackedPr, reviewer: ReviewerRecord): void {
  const person = view.people.get(loginKey(reviewer.login));
  if (!person) return;
  const next = nextFor(work, reviewer.login, done);
  if (!next) return;
  const where = next.repo === done.repo ? ` in ${literal(next.repo)}` : "";
  const text = `Next${where}: ${literal(prRef(next))}${size(next)}.`;
  const reply: Reply = {
    ephemeral: false,
    text,
    sections: [{ text }, { text: prLink(next) }],
    buttons: [{ action: reviewButtonId("review.claim", next), label: "Start review", style: "primary" }],
    tone: "info",
  };
  dmPerson(work, next, person, () => reply, `next:after:${done.id}:a${reviewer.seq}`, "next");
}

/** A snoozed review comes back at the person's next window: what it is and where it stands. */
export function keepContext(work: Work, view: TenantView, pr: TrackedPr, r: ReviewerRecord): void {
  const person = view.people.get(loginKey(r.login));
  if (!person) return;
  const build = (_platform: ChatPlatform): Reply => {
    const waited = duration(Math.max(0, work.nowMs - r.requestedAtMs));
    const text = `Back to ${literal(prRef(pr))}: you snoozed it; it has waited ${waited} for your review.`;
    const linear = linearText(view.linear ?? []);
    const lines = [`Status: ${r.status === "in_progress" ? "started" : "not started"}${size(pr)}`];
    if (linear) lines.push(`Linear: ${linear}`);
    return {
      ephemeral: false,
      text,
      sections: [{ text, lines }, { text: prLink(pr) }],
      buttons: [{ action: reviewButtonId("review.claim", pr), label: "Start review", style: "primary" }],
      tone: "info",
    };
  };
  dmPerson(work, pr, person, build, `note:snooze:a${r.seq}:${r.snoozes}`, "note", false, true);
}
