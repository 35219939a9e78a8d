/**
 * Assignment and reassignment, synchronously over the agent's state: candidates from the tenant's
 * team and the agent's own counts, `assignReviewers` / `nextCandidate` from src/domain, then the
 * reviewer rows, SLA clocks and effects (GitHub request, cards, DMs) written in the same step.
 */

import { literal } from "../../chat/markup";
import { type ChannelRef, type ChatPlatform, sameChannel } from "../../chat/platform";
import type { Reply, Tone } from "../../chat/reply";
import {
  type AssignmentResult,
  assignReviewers,
  nextCandidate,
  type ReviewCandidate,
} from "../../domain/assignment";
import { deliveryKey, ownerRepo, prRef } from "../../domain/pr-refs";
import { slaDeadlines } from "../../domain/sla";
import { UTC_OFFICE } from "../../domain/working-hours";
import { save, stop } from "./clock";
import type { TenantView, Work } from "./context";
import { requestFacts, withLateRisk } from "./forecasting";
import { candidatesOf, configFor, loginKey } from "./model/candidates";
import { headlines, nobodyCard, prCard } from "./model/cards";
import { code, localTime, SKIP_TEXT } from "./model/format";
import { isActive, type ReviewerRecord, type ReviewerSource, type TrackedPr } from "./model/model";
import {
  dmPerson,
  reachedByDm,
  removeRequests,
  requestReviewers,
  toChannels,
  toChannelsOrLeads,
} from "./notify";
import { planNudge } from "./nudge";
import { decidedBy, decideReview, type ReviewDecision, slaOf } from "./policy";
import { cardForecasts } from "./predicted";
import { type Deferred, requestWhenFree } from "./request-later";

/** The PR's card as it stands now, under `headline`. */
export function cardFor(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  platform: ChatPlatform,
  headline: string,
  extra: { tone?: Tone; lines?: string[] } = {},
): Reply {
  const reviewers = work.store.reviewers(pr.id);
  return prCard({
    pr: work.store.prById(pr.id) ?? pr,
    reviewers,
    ...cardForecasts(work, pr, reviewers),
    people: view.people,
    platform,
    nowMs: work.nowMs,
    headline,
    linear: view.linear,
    ...extra,
  });
}

/** Puts `login` on the PR (or back on it) with a fresh SLA clock; an active reviewer is left as is. */
export function track(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  login: string,
  source: ReviewerSource,
  reason: string | null,
  previous: string | null = null,
): ReviewerRecord {
  const existing = work.store.reviewer(pr.id, login);
  if (existing && isActive(existing.status)) return existing;
  const now = work.nowMs;
  const person = view.people.get(loginKey(login));
  const facts = requestFacts(work, view, pr, login);
  // Asked again on the same PR (after changes): logged, but not a new turn in the rotation.
  const kind = existing
    ? "again"
    : source === "foreman"
      ? previous
        ? "reassign"
        : "assign"
      : source === "claim"
        ? "claim"
        : "request";
  const seq = work.store.logAssignment(login, pr.id, kind, reason, now);
  const schedule = person?.schedule ?? (namedByPolicy(work, view, pr, login) ? UTC_OFFICE : null);
  const policySla = slaOf(work, view, pr);
  const sla = schedule
    ? slaDeadlines({ requestedAtMs: now, hours: policySla.hours, steps: policySla.steps, schedule })
    : null;
  work.forecasts.recordRequest(pr.id, pr.round, loginKey(login), seq, now, facts);
  work.forecasts.touch(pr.id, now);
  const saved = save(work, pr, {
    prId: pr.id,
    login: person?.login ?? login,
    source,
    reason,
    requestedAtMs: now,
    status: "requested",
    reviewState: null,
    claimedBy: null,
    claimedAtMs: null,
    sla,
    fired: 0,
    nextAtMs: null,
    pausedAtMs: pr.draft ? now : null,
    snoozes: 0,
    seq,
    previous,
    updatedAtMs: now,
  });
  planNudge(work, pr);
  return saved;
}

export type AssignOutcome =
  | { kind: "not-ready" }
  | { kind: "already"; reviewers: ReviewerRecord[] }
  | { kind: "covered" }
  | { kind: "nobody"; result: AssignmentResult }
  | { kind: "assigned"; reviewers: ReviewerRecord[]; result: AssignmentResult };

export interface AssignOptions {
  /** Team slugs whose request triggered this; removed on GitHub once people are assigned. */
  teams?: string[];
  /** `review assign`: run even if this round was handled, as long as nobody is reviewing. */
  force?: boolean;
  /** A retry after nobody could be assigned: as `force`, and still nobody says nothing new. */
  retry?: boolean;
}

/** Scheduled task kind: try again to find a reviewer for a PR nobody could be assigned to. */
export const RETRY_TASK = "review.retry";
/** How long after "nobody could be assigned" Foreman looks again (people come back, reviews end). */
export const RETRY_MS = 60 * 60_000;
/** Foreman stops looking by itself this long after the PR became ready (a lead can still assign). */
const RETRY_FOR_MS = 14 * 24 * 60 * 60_000;

function scheduleRetry(work: Work, pr: TrackedPr): void {
  if (work.nowMs - (pr.readyAtMs ?? work.nowMs) > RETRY_FOR_MS) return;
  work.scheduler.schedule(work.nowMs + RETRY_MS, RETRY_TASK, { prId: pr.id }, `retry:${pr.id}`, work.nowMs);
}

function ranking(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  requested: string[],
  count: number,
  decision: ReviewDecision = decideReview(work, view, pr),
) {
  const cfg = configFor(work.config, work.config.repos, pr.repo);
  return assignReviewers({
    pr: {
      repo: pr.repo,
      number: pr.number,
      author: pr.author ?? "",
      coAuthors: [],
      labels: pr.labels,
      requestedReviewers: requested,
    },
    candidates: withLateRisk(work, view, pr, poolOf(work, view, decision.pool)),
    count,
    algorithm: decision.algorithm,
    nowMs: work.nowMs,
    urgent: isUrgent(work, pr),
    defaultCapacity: cfg.capacity,
    weights: decision.weights,
  });
}

/**
 * Who may be chosen: the team, or the policy's pool — its members on the team as they are, the
 * others on UTC office hours (Foreman knows nothing else of them).
 */
function poolOf(work: Work, view: TenantView, pool: string[] | null): ReviewCandidate[] {
  const stats = work.store.stats(work.nowMs);
  const team = candidatesOf(view.team, stats, work.nowMs);
  if (pool === null) return team;
  const wanted = new Set(pool);
  const onTeam = team.filter((c) => wanted.has(loginKey(c.login)));
  const known = new Set(onTeam.map((c) => loginKey(c.login)));
  const others = pool
    .filter((login) => !known.has(login))
    .map((login): ReviewCandidate => {
      const s = stats.get(login);
      return {
        login,
        schedule: UTC_OFFICE,
        tz: "UTC",
        ooo: false,
        openReviews: s?.openReviews ?? 0,
        assignedLast30d: s?.assignedLast30d ?? 0,
        lastAssignedAtMs: s?.lastAssignedAtMs ?? null,
      };
    });
  return [...onTeam, ...others];
}

/** Whether the PR's policy names `login` in its pool or as required (they get an SLA on UTC hours). */
function namedByPolicy(work: Work, view: TenantView, pr: TrackedPr, login: string): boolean {
  const d = decideReview(work, view, pr);
  const key = loginKey(login);
  return (d.pool?.includes(key) ?? false) || d.required.some((r) => loginKey(r) === key);
}

/**
 * Assigns reviewers to a PR that is ready for review, once per round (idempotent: the check and the
 * record happen in this one synchronous call).
 */
export function assign(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  options: AssignOptions = {},
): AssignOutcome {
  if (pr.state !== "open" || pr.draft) return { kind: "not-ready" };
  const active = work.store.reviewers(pr.id).filter((r) => isActive(r.status));
  const force = options.force || options.retry;
  if (force ? active.length > 0 : pr.assignedRound >= pr.round) {
    return { kind: "already", reviewers: active };
  }
  const decision = decideReview(work, view, pr);
  const needed = decision.reviewers;
  // An urgent PR asks a backup reviewer too (released by `releaseBackups`).
  const wanted = needed + (isUrgent(work, pr) ? 1 : 0);
  const requested = [...new Set([...pr.requestedReviewers, ...active.map((r) => r.login)])];
  const result = ranking(work, view, pr, requested, wanted, decision);
  work.store.patchPr(pr.id, { assignedRound: pr.round, lastResult: result });
  const fresh: TrackedPr = { ...pr, assignedRound: pr.round, lastResult: result };
  addPolicyLabels(work, fresh, decision);
  const required = requiredOf(decision, fresh, requested, result);
  if (result.reviewers.length === 0 && required.length === 0) {
    if (result.shortfall === 0) return { kind: "covered" };
    scheduleRetry(work, fresh);
    if (options.retry) return { kind: "nobody", result };
    const tag = `nobody:r${pr.round}${options.force ? `:${work.nowMs}` : ""}`;
    const build = (platform: ChatPlatform) =>
      nobodyCard(
        { pr: fresh, people: view.people, platform, nowMs: work.nowMs, linear: view.linear },
        result,
      );
    toChannelsOrLeads(work, view, fresh, build, tag);
    work.log(`nobody could be assigned to ${prRef(pr)}`);
    return { kind: "nobody", result };
  }
  if (options.retry) work.scheduler.cancel(`retry:${pr.id}`);
  const reviewers = [
    ...result.reviewers.map((p) => track(work, view, fresh, p.login, "foreman", p.reason)),
    ...required.map((login) =>
      track(work, view, fresh, login, "foreman", `required by rule ${decision.record.rule}`),
    ),
  ];
  const first = reviewers[0]?.seq ?? 0;
  const again = force ? `a${first}` : pr.round > 1 ? `r${pr.round}` : undefined;
  const deferred = requestWhenFree(work, view, fresh, reviewers, isUrgent(work, pr), again);
  if (options.teams?.length) removeRequests(work, fresh, { teams: options.teams }, `r${pr.round}`);
  const told =
    decision.channel && !view.channels.some((c) => sameChannel(c, decision.channel as ChannelRef))
      ? { ...view, channels: [...view.channels, decision.channel] }
      : view;
  announce(work, told, fresh, reviewers, result, wanted, needed, deferred, decision);
  work.log(`assigned ${reviewers.map((r) => r.login).join(", ")} to ${prRef(pr)}`);
  return { kind: "assigned", reviewers, result };
}

/** Whether the PR carries one of the configured urgent labels. */
export function isUrgent(work: Work, pr: TrackedPr): boolean {
  const urgent = new Set(work.config.urgentLabels.map((l) => l.toLowerCase()));
  return pr.labels.some((l) => urgent.has(l.toLowerCase()));
}

/**
 * An urgent PR was asked of one reviewer more than it needs: once enough reviews are in, those asked
 * by Foreman who have not started are released and their GitHub requests withdrawn.
 */
export function releaseBackups(work: Work, pr: TrackedPr): void {
  if (!isUrgent(work, pr)) return;
  const rows = work.store.reviewers(pr.id);
  const needed =
    work.policies.decision(pr.id, pr.round)?.reviewers ??
    configFor(work.config, work.config.repos, pr.repo).reviewersPerPr;
  if (rows.filter((r) => r.status === "reviewed").length < needed) return;
  const idle = rows.filter((r) => r.status === "requested" && r.source === "foreman");
  for (const r of idle) stop(work, pr, r, "released");
  if (idle.length) {
    const logins = idle.map((r) => r.login);
    removeRequests(work, pr, { reviewers: logins }, `done:${idle.map((r) => r.seq).join("-")}`);
    work.log(`released ${logins.join(", ")} from ${prRef(pr)}: enough reviews are in`);
  }
}

function announce(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  reviewers: ReviewerRecord[],
  result: AssignmentResult,
  wanted: number,
  needed: number,
  deferred: readonly Deferred[] = [],
  decision?: ReviewDecision,
): void {
  const ref = prRef(pr);
  const logins = reviewers.map((r) => r.login);
  const lines: string[] = decision ? policyLines(decision) : [];
  lines.push(
    ...deferred.map((d) => {
      const tz = view.people.get(loginKey(d.login))?.tz ?? "UTC";
      return `${literal(d.login)} is in a focus block: requested on GitHub when it ends (${localTime(d.atMs, tz)}).`;
    }),
  );
  const found = wanted - result.shortfall;
  // A missing backup reviewer of an urgent PR is not worth a line; a missing reviewer is.
  if (found < needed) {
    lines.push(`Only ${found} of ${needed} reviewers could be found.`);
    lines.push(...result.skipped.map((s) => `${code(s.login)}: ${SKIP_TEXT[s.why]}`));
  }
  const first = reviewers[0]?.seq ?? 0;
  // Reviewers on Slack hear of it by DM; the channel card names them without a second ping.
  const dmed = reviewers.map((r) => view.people.get(loginKey(r.login))).filter(reachedByDm);
  toChannels(
    work,
    view,
    pr,
    (platform) =>
      cardFor(work, view, pr, platform, headlines.assigned(ref, logins, view.people, platform), { lines }),
    `card:r${pr.round}:a${first}`,
    undefined,
    dmed,
  );
  const build = (platform: ChatPlatform) =>
    cardFor(work, view, pr, platform, `You are asked to review ${literal(ref)}.`);
  for (const r of reviewers) {
    dmPerson(work, pr, view.people.get(loginKey(r.login)), build, `a${r.seq}`, "review", isUrgent(work, pr));
  }
}

/** The card's line on the deciding policy (and a channel it names that is not linked). */
function policyLines(d: ReviewDecision): string[] {
  const lines = [`${decidedBy(d.record)}.`];
  if (d.unlinkedChannel) {
    lines.push(
      `The rule names ${code(d.unlinkedChannel)}, which is not linked to Foreman: not posted there.`,
    );
  }
  return lines;
}

/** Required people not yet on the PR (nor its author, nor already picked). */
function requiredOf(
  d: ReviewDecision,
  pr: TrackedPr,
  requested: string[],
  result: AssignmentResult,
): string[] {
  const taken = new Set([...requested, ...result.reviewers.map((r) => r.login)].map(loginKey));
  if (pr.author) taken.add(loginKey(pr.author));
  return [...new Set(d.required.map(loginKey))].filter((l) => !taken.has(l));
}

/** The rule's labels the PR does not carry yet, added on GitHub once per round. */
function addPolicyLabels(work: Work, pr: TrackedPr, d: ReviewDecision): void {
  const has = new Set(pr.labels.map((l) => l.toLowerCase()));
  const labels = d.addLabels.filter((l) => !has.has(l.toLowerCase()));
  if (labels.length === 0) return;
  work.emit({
    kind: "github",
    action: "issues.addLabels",
    body: { ...ownerRepo(pr.repo), issue_number: pr.number, labels },
    key: deliveryKey("gh:labels", prRef(pr), `r${pr.round}`),
  });
}

/**
 * Hands `from`'s review to the best-ranked person not yet on the PR (fresh availability and counts):
 * requested on GitHub, `from`'s request removed. Null (and nothing changed) when nobody is free.
 */
export function reassign(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  from: ReviewerRecord,
): { to: ReviewerRecord; reason: string } | null {
  const everyone = work.store.reviewers(pr.id).map((r) => r.login);
  const result = ranking(work, view, pr, [], 0);
  const pick = nextCandidate(result, [...everyone, from.login]);
  if (!pick) return null;
  stop(work, pr, from, "reassigned");
  const to = track(work, view, pr, pick.login, "foreman", pick.reason, from.login);
  requestReviewers(work, pr, [to.login], `a${to.seq}`);
  removeRequests(work, pr, { reviewers: [from.login] }, `a${from.seq}`);
  work.store.patchPr(pr.id, { lastResult: result });
  work.log(`reassigned ${prRef(pr)} from ${from.login} to ${to.login}`);
  return { to, reason: pick.reason };
}
