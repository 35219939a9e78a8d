/**
 * The Review Manager's outgoing effects: review requests on GitHub, cards in the channels linked to
 * the repository, Slack DMs. Each is emitted into the agent's outbox (see effects.ts) with a
 * delivery key, so a repeated step posts once.
 */

import { withoutPings } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { deliveryKey, ownerRepo, prRef } from "../../domain/pr-refs";
import type { ItemKind, PersonItem } from "../context-optimizer/model";
import type { TenantView, Work } from "./context";
import { isAwayToday, leadsOf } from "./model/candidates";
import { cardSignature } from "./model/card-status";
import type { Person, TrackedPr } from "./model/model";

/**
 * `pulls.requestReviewers`, keyed `gh:req:<repo>#<n>:<logins>` (sorted); `again` tells a later
 * request for the same people apart (a new round after a reopen, a reassignment, a claim).
 */
export function requestReviewers(work: Work, pr: TrackedPr, logins: string[], again?: string): void {
  if (logins.length === 0) return;
  const sorted = [...logins].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const key = deliveryKey("gh:req", `${prRef(pr)}`, `${sorted.join(",")}${again ? `@${again}` : ""}`);
  work.emit({
    kind: "github",
    action: "pulls.requestReviewers",
    body: { ...ownerRepo(pr.repo), pull_number: pr.number, reviewers: sorted },
    key,
  });
  // The review metrics count from the request: GitHub's own review_requested webhook may follow (with
  // a token) or not (demo mode); a second request before the review is the same wait there.
  work.emit({
    kind: "event",
    name: "foreman.review.requested",
    data: { repo: pr.repo, number: pr.number, reviewers: sorted, atMs: work.nowMs },
    key: `${key}:metrics`,
  });
}

/** `pulls.removeRequestedReviewers` for people (a reassignment) or teams (once people are assigned). */
export function removeRequests(
  work: Work,
  pr: TrackedPr,
  who: { reviewers?: string[]; teams?: string[] },
  tag: string,
): void {
  const reviewers = who.reviewers ?? [];
  const teams = who.teams ?? [];
  if (reviewers.length + teams.length === 0) return;
  work.emit({
    kind: "github",
    action: "pulls.removeRequestedReviewers",
    body: { ...ownerRepo(pr.repo), pull_number: pr.number, reviewers, team_reviewers: teams },
    key: deliveryKey("gh:unreq", prRef(pr), [...reviewers, ...teams.map((t) => `team/${t}`)].join(","), tag),
  });
}

/**
 * Posts a card (built for each channel's platform) to every channel linked to the repository and
 * remembers it, to keep it up to date (live-cards.ts). With `notice`, a channel that
 * already shows a placed card of the PR gets the notice as a reply in that card's thread instead of
 * a second card (the card itself is edited to match).
 *
 * One event pings a person once: the people in `quiet` (told by DM) are named in the post without
 * being mentioned (cards never ping the PR's author either: they name them, see cards.ts).
 */
export function toChannels(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  build: (platform: ChatPlatform) => Reply,
  tag: string,
  notice?: (platform: ChatPlatform) => Reply,
  quiet: readonly Person[] = [],
): void {
  for (const channel of view.channels) {
    const names = new Map(
      quiet
        .filter((p) => p.user.platform === channel.platform)
        .map((p) => [p.user.id, p.user.name ?? p.login] as const),
    );
    const key = deliveryKey("rm", prRef(pr), tag, channel.platform, channel.workspaceId, channel.channelId);
    const placed = notice ? work.cards.placed(pr.id, channel) : null;
    if (notice && placed?.ref) {
      const reply = withoutPings(notice(channel.platform), names);
      work.emit({ kind: "channel", channel, reply, key, replyTo: placed.ref });
      continue;
    }
    work.emit({ kind: "channel", channel, reply: withoutPings(build(channel.platform), names), key });
    const current = work.store.prById(pr.id) ?? pr;
    work.cards.track(pr.id, channel, key, cardSignature(current, work.store.reviewers(pr.id)), work.nowMs);
  }
}

/** Whether Foreman can message this person directly (a team member on Slack or Discord). */
export function reachedByDm(person: Person | undefined): person is Person {
  return person !== undefined && (person.user.platform === "slack" || person.user.platform === "discord");
}

/**
 * A message to one team member, handed to the tenant's Context Optimizer, which sends it now or when
 * it helps them (src/agents/context-optimizer). Built for the person's platform. Urgent items (a PR
 * with an urgent label, a breach, an escalation) skip windows and focus time. False when the
 * person cannot be messaged.
 */
export function dmPerson(
  work: Work,
  pr: TrackedPr,
  person: Person | undefined,
  build: (platform: ChatPlatform) => Reply,
  tag: string,
  kind: ItemKind,
  urgent = false,
  later = false,
): boolean {
  if (!reachedByDm(person)) return false;
  const key = deliveryKey("rm:dm", prRef(pr), person.user.id, tag);
  const item: PersonItem = {
    key,
    user: person.user,
    login: person.login,
    kind,
    urgent,
    pr: { repo: pr.repo, number: pr.number, title: pr.title, url: pr.url, lines: pr.lines ?? null },
    reply: { ...build(person.user.platform), ephemeral: false },
    atMs: work.nowMs,
    ...(later ? { later: true } : {}),
  };
  work.emit({ kind: "person", item, key });
  return true;
}

/**
 * Posts in the linked channels; with none linked, messages the leads (and `also`) directly instead,
 * as `kind` items (urgent: breaches and escalations).
 */
export function toChannelsOrLeads(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  build: (platform: ChatPlatform) => Reply,
  tag: string,
  also: Person[] = [],
  notice?: (platform: ChatPlatform) => Reply,
  quiet: readonly Person[] = [],
  kind: ItemKind = "escalation",
  urgent = true,
): void {
  if (view.channels.length > 0) {
    toChannels(work, view, pr, build, tag, notice, quiet);
    return;
  }
  const seen = new Set<string>();
  const chain = [...leadsOf(view.people), ...also].filter((p) => {
    const fresh = !seen.has(p.login.toLowerCase());
    seen.add(p.login.toLowerCase());
    return fresh;
  });
  // Urgent news skips whoever in the chain is away today (when someone else in it is not).
  const away = new Set(view.team.filter(isAwayToday).map((a) => a.member.github.toLowerCase()));
  const here = chain.filter((p) => !away.has(p.login.toLowerCase()));
  for (const person of urgent && here.length > 0 ? here : chain) {
    dmPerson(work, pr, person, build, tag, kind, urgent);
  }
}

/** A short message for a card's thread: one line saying what happened, with the PR link. */
export function threadNotice(text: string, tone: Reply["tone"] = "info"): Reply {
  return { ephemeral: false, text, sections: [{ text }], buttons: [], tone };
}
