/**
 * An SLA step coming due: at 50 % a reminder to the reviewer (Slack DM, else the linked channels),
 * at 100 % "SLA breached" in the linked channels mentioning the leads, at 200 % reassignment to the
 * next candidate. A reviewer who is out of office when a step comes due, and has not started, is
 * handed over at once instead of being reminded. The step is recorded as fired in the same
 * synchronous step that emits its message, so a repeated alarm never sends it twice. A breach (also
 * one skipped on the way to a late escalation or a hand-over) is published as `foreman.sla.breach`
 * for the review metrics.
 */

import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import { prRef } from "../../domain/pr-refs";
import { cardFor, isUrgent, reassign } from "./assign";
import { save } from "./clock";
import type { TenantView, Work } from "./context";
import { entryOf, isAwayToday, loginKey } from "./model/candidates";
import { headlines } from "./model/cards";
import { hours, mention } from "./model/format";
import { isActive, type ReviewerRecord, type TrackedPr } from "./model/model";
import { dueStep, leftUntilBreach } from "./model/steps";
import { dmPerson, reachedByDm, threadNotice, toChannels, toChannelsOrLeads } from "./notify";
import { nudgeReplacesReminder } from "./nudge";

export function fireStep(work: Work, view: TenantView, pr: TrackedPr, login: string): void {
  const r = work.store.reviewer(pr.id, login);
  if (!r?.sla || !isActive(r.status) || r.pausedAtMs !== null || pr.state !== "open") return;
  const due = dueStep(r.sla, r.fired, work.nowMs);
  if (!due) {
    save(work, pr, r); // not yet due by the agent's clock: the schedule moves to the step's time
    return;
  }
  const ref = prRef(pr);
  if (due.step === "breach" || due.skipped.includes("breach")) {
    const { repo, number } = pr;
    const data = { repo, number, reviewer: r.login, atMs: r.sla.breachAtMs, budgetMs: r.sla.budgetMs };
    const key = `${ref}:sla:${loginKey(r.login)}:a${r.seq}:breach`;
    work.emit({ kind: "event", name: "foreman.sla.breach", data, key });
    work.policies.noteBreach(pr.id, pr.round);
  }
  const entry = entryOf(view.team, r.login);
  const away = entry !== undefined && isAwayToday(entry);
  if (away && r.status === "requested") {
    // Out of office and not started: the review moves now instead of reminding someone who is away.
    const because = `${literal(r.login)} is out of office`;
    if (handOver(work, view, pr, r, because, `sla:${loginKey(r.login)}:a${r.seq}:away`)) return;
  }
  const fired = save(work, pr, { ...r, fired: due.fired });
  if (due.skipped.length) work.log(`${prRef(pr)} ${r.login}: ${due.skipped.join(", ")} skipped (late)`);
  work.log(`${prRef(pr)} ${r.login}: SLA ${due.step}`);
  for (const step of [...due.skipped, due.step]) work.metric?.(step);
  const person = view.people.get(loginKey(r.login));
  const tag = `sla:${loginKey(r.login)}:a${r.seq}:${due.step}`;
  const { people } = view;
  switch (due.step) {
    case "reminder": {
      if (nudgeReplacesReminder(work, pr, fired)) {
        work.log(`${ref} ${r.login}: reminder left to the forecast's nudge`);
        return;
      }
      const left = leftUntilBreach(r.sla, work.nowMs);
      const build = (platform: ChatPlatform) =>
        cardFor(work, view, pr, platform, headlines.reminder(ref, fired, left, people, platform), {
          tone: "warning",
        });
      const notice = (platform: ChatPlatform) =>
        threadNotice(headlines.reminder(ref, fired, left, people, platform), "warning");
      if (!dmPerson(work, pr, person, build, tag, "reminder", isUrgent(work, pr))) {
        toChannels(work, view, pr, build, tag, notice);
      }
      return;
    }
    case "breach": {
      const build = (platform: ChatPlatform) =>
        cardFor(work, view, pr, platform, headlines.breach(ref, fired, people, platform), { tone: "error" });
      const notice = (platform: ChatPlatform) =>
        threadNotice(headlines.breach(ref, fired, people, platform), "error");
      toChannelsOrLeads(work, view, pr, build, tag, person ? [person] : [], notice, [], "breach");
      return;
    }
    case "escalation": {
      const because = `the review SLA was breached (${hours(r.sla.budgetMs)} of working time, now twice over)`;
      if (handOver(work, view, pr, fired, because, tag, true)) return;
      const build = (platform: ChatPlatform) =>
        cardFor(work, view, pr, platform, headlines.stuck(ref, fired, people, platform), { tone: "error" });
      const notice = (platform: ChatPlatform) =>
        threadNotice(headlines.stuck(ref, fired, people, platform), "error");
      toChannelsOrLeads(work, view, pr, build, tag, person ? [person] : [], notice);
      return;
    }
  }
}

/**
 * Hands `r`'s review to the next candidate (`reassign`) and tells the channel and, by DM, the new
 * reviewer; false (nothing changed) when nobody else is free.
 */
export function handOver(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  r: ReviewerRecord,
  because: string,
  tag: string,
  escalated = false,
): boolean {
  const moved = reassign(work, view, pr, r);
  if (!moved) return false;
  const { people } = view;
  const ref = prRef(pr);
  const headline = (platform: ChatPlatform) =>
    headlines.reassigned(ref, r.login, moved.to.login, because, people, platform);
  const build = (platform: ChatPlatform) =>
    cardFor(work, view, pr, platform, headline(platform), {
      tone: "warning",
      lines: [`Why ${mention(moved.to.login, people, platform)}: ${moved.reason}`],
    });
  const notice = (platform: ChatPlatform) => threadNotice(headline(platform), "warning");
  // The new reviewer hears of it by DM (on Slack); the one released needs no ping.
  const from = people.get(loginKey(r.login));
  const next = people.get(loginKey(moved.to.login));
  const told = [...(from ? [from] : []), ...(reachedByDm(next) ? [next] : [])];
  toChannelsOrLeads(work, view, pr, build, tag, [], notice, told, "handover", false);
  const dm = (platform: ChatPlatform) =>
    cardFor(
      work,
      view,
      pr,
      platform,
      `You are asked to review ${literal(ref)}, taking over from ${literal(r.login)}.`,
    );
  dmPerson(work, pr, next, dm, `a${moved.to.seq}`, "review", escalated || isUrgent(work, pr));
  return true;
}
