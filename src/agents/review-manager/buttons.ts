/**
 * The review card's buttons, applied synchronously: Start review (the clicker takes the review; the
 * others' clocks stop), Reassign (next candidate), Snooze 2h. Each answers the updated card.
 */
import { literal, userRef } from "../../chat/markup";
import { type ChannelRef, type ChatPlatform, type ChatUserRef, sameChannel } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { prRef } from "../../domain/pr-refs";
import { ConflictError, ForbiddenError } from "../../platform/errors";
import { cardFor, isUrgent, reassign, track } from "./assign";
import { save, snoozeClock, stop } from "./clock";
import type { TenantView, Work } from "./context";
import { loginKey } from "./model/candidates";
import { localTime, mention, SKIP_TEXT } from "./model/format";
import { isActive, type ReviewerRecord, type TrackedPr } from "./model/model";
import { keepContext } from "./next-review";
import { dmPerson, reachedByDm, requestReviewers, threadNotice, toChannels } from "./notify";

export type ReviewButton = "claim" | "reassign" | "snooze";

export interface ActInput {
  verb: ReviewButton;
  /** The button's PR argument: `owner/repo#42` or `p<id>`. */
  target: string;
  actor: ChatUserRef;
  /** The clicker's GitHub login when they are on the team. */
  login: string | null;
  /** Whether the clicker has chat admin rights (asked only when being a reviewer is not enough). */
  admin: boolean;
  /** Where the card was clicked. */
  place: ChannelRef;
  /** Reassign this reviewer's review (a rebalance from insights), not the clicker's own. */
  from?: string;
  /** Who asked, as text, when not a chat user to mention (the dashboard: `key key_…`). */
  by?: string;
}

export interface ActResult {
  reply: Reply;
  /** False when nothing changed (the reply is then a private note, not a new card). */
  changed: boolean;
}

const note = (text: string): ActResult => ({
  reply: { ephemeral: true, text, sections: [], buttons: [], tone: "warning" },
  changed: false,
});

export function act(work: Work, view: TenantView, pr: TrackedPr, input: ActInput): ActResult {
  const ref = prRef(pr);
  /** The ref in reply text (outside text: a repository name). */
  const shown = literal(ref);
  if (pr.state !== "open") throw new ConflictError(`${ref} is ${pr.state}: there is nothing left to review.`);
  const active = work.store.reviewers(pr.id).filter((r) => isActive(r.status));
  const mine = input.login
    ? active.find((r) => loginKey(r.login) === loginKey(input.login ?? ""))
    : undefined;
  const card = (headline: string, lines?: string[]): ActResult => ({
    reply: { ...cardFor(work, view, pr, input.place.platform, headline, { lines }), replaceOriginal: true },
    changed: true,
  });
  const who = input.by ? literal(input.by) : userRef(input.actor.id);
  switch (input.verb) {
    case "claim": {
      if (!input.login)
        throw new ForbiddenError("Only team members can start a review: ask a lead for /foreman team add.");
      if (mine?.status === "in_progress") return note(`You already started the review of ${shown}.`);
      let r =
        mine ??
        track(work, view, pr, input.login, "claim", "started the review themselves", active[0]?.login);
      if (!mine) requestReviewers(work, pr, [r.login], `a${r.seq}`);
      r = save(work, pr, { ...r, status: "in_progress", claimedBy: input.actor, claimedAtMs: work.nowMs });
      for (const other of active) if (other.login !== r.login) stop(work, pr, other, "released");
      work.log(`${r.login} started the review of ${ref}`);
      return card(`${who} started the review of ${shown}.`);
    }
    case "reassign": {
      const named = input.from
        ? active.find((r) => loginKey(r.login) === loginKey(input.from ?? ""))
        : undefined;
      if (input.from && !named) return note(`${literal(input.from)} is not reviewing ${shown} any more.`);
      // Someone else's review moves only for an admin; one's own always.
      const from = named
        ? named === mine || input.admin
          ? named
          : undefined
        : (mine ?? (input.admin ? active[0] : undefined));
      if (!from) {
        if (!input.admin) throw forbidden("reassign", ref);
        throw new ConflictError(`Nobody is reviewing ${ref}: /foreman review assign ${ref} picks someone.`);
      }
      const moved = reassign(work, view, pr, from);
      if (!moved) return note(nobodyFree(work, pr, from));
      const people = view.people;
      const headline = (platform: ChatPlatform) =>
        `Reassigned ${shown} from ${mention(from.login, people, platform)} to ${mention(moved.to.login, people, platform)} (asked by ${who}).`;
      announceElsewhere(work, view, pr, input.place, headline, moved.to);
      const platform = input.place.platform;
      return card(headline(platform), [`Why ${mention(moved.to.login, people, platform)}: ${moved.reason}`]);
    }
    case "snooze": {
      const targets = mine ? [mine] : input.admin ? active : [];
      if (targets.length === 0 && !input.admin) throw forbidden("snooze", ref);
      if (pr.draft) return note(`${shown} is a draft: its review clock is paused already.`);
      if (targets.length === 0) {
        throw new ConflictError(`Nobody is reviewing ${ref}: there is no review clock to snooze.`);
      }
      const snoozed = targets.map((r) => snoozeClock(work, pr, r)).filter((r) => r.sla);
      if (snoozed.length === 0) return note(`${shown} has no review SLA running to snooze.`);
      const due = snoozed.map((r) =>
        r.sla ? `${literal(r.login)}: ${localTime(r.sla.breachAtMs, r.sla.schedule.tz)}` : "",
      );
      work.log(`${ref} snoozed by ${input.actor.platform}:${input.actor.id}`);
      for (const r of snoozed) keepContext(work, view, pr, r);
      return card(`${who} snoozed the review clock of ${shown} by 2 h. Now due: ${due.join("; ")}.`);
    }
  }
}

function forbidden(verb: string, ref: string): ForbiddenError {
  return new ForbiddenError(`Only a reviewer of ${ref} or a chat admin can ${verb} it.`);
}

function nobodyFree(work: Work, pr: TrackedPr, from: ReviewerRecord): string {
  const skipped = work.store.prById(pr.id)?.lastResult?.skipped ?? [];
  const why = skipped.map((s) => `${literal(s.login)}: ${SKIP_TEXT[s.why]}`).join("; ");
  return `Nobody else is free to take ${literal(prRef(pr))} from ${literal(from.login)}${why ? ` (${why})` : ""}.`;
}

/** A reassignment clicked in one place: the new reviewer gets a DM, the other linked channels a card. */
function announceElsewhere(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  place: ChannelRef,
  headline: (platform: ChatPlatform) => string,
  to: ReviewerRecord,
): void {
  const others = { ...view, channels: view.channels.filter((c) => !sameChannel(c, place)) };
  const build = (platform: ChatPlatform) => cardFor(work, view, pr, platform, headline(platform));
  const notice = (platform: ChatPlatform) => threadNotice(headline(platform));
  // The new reviewer hears of it by DM when on Slack (else the post pings them); the one released needs no ping.
  const next = view.people.get(loginKey(to.login));
  const from = to.previous ? view.people.get(loginKey(to.previous)) : undefined;
  const told = [...(from ? [from] : []), ...(reachedByDm(next) ? [next] : [])];
  toChannels(work, others, pr, build, `reassign:a${to.seq}`, notice, told);
  const text = `You are asked to review ${literal(prRef(pr))}${to.previous ? `, taking over from ${literal(to.previous)}` : ""}.`;
  const dm = (platform: ChatPlatform) => cardFor(work, view, pr, platform, text);
  dmPerson(work, pr, next, dm, `a${to.seq}`, "review", isUrgent(work, pr));
}
