/**
 * GitHub's own team review assignment, as documented ("About team review assignment" and "Managing
 * code review settings for your team"), with GitHub's notifications:
 * - round robin: the member requested least recently, whatever their open load;
 * - load balance: the member with the fewest review requests in the last 30 days, outstanding ones
 *   counted, so requests even out per member over a rolling 30 days;
 * - both skip members whose status is Busy (here: out of office today); if everyone is busy, the
 *   request stays on the team and nobody in particular is asked;
 * - GitHub notifies a person when they are requested; a scheduled reminder posts to the team channel
 *   at 09:00 (channel zone) on weekdays, mentioning each reviewer with PRs waiting for them.
 * Ties (never requested, equal counts) break by login, as a fixed order.
 */
import { nextWorkingStart } from "../../src/domain/working-hours";
import type { SimPr, Strategy, World } from "../world";

export type GitHubAlgorithm = "round-robin" | "load-balance";

const DAY_MS = 86_400_000;
const WINDOW_MS = 30 * DAY_MS;

export interface GitHubCandidate {
  login: string;
  busy: boolean;
  /** Instants of review requests this member got from the team assignment, oldest first. */
  requests: readonly number[];
  /** Review requests of theirs still outstanding, including any older than 30 days. */
  outstandingBefore: number;
}

/**
 * The `count` members GitHub would request, in order. Round robin ranks by the last request (never
 * requested first); load balance by requests in the last 30 days plus outstanding older ones.
 */
export function githubPick(
  algorithm: GitHubAlgorithm,
  candidates: readonly GitHubCandidate[],
  count: number,
  nowMs: number,
): string[] {
  const ranked = candidates
    .filter((c) => !c.busy)
    .map((c) => {
      const last = c.requests.length
        ? (c.requests[c.requests.length - 1] as number)
        : Number.NEGATIVE_INFINITY;
      const recent = c.requests.length - firstAfter(c.requests, nowMs - WINDOW_MS);
      return { login: c.login, key: algorithm === "round-robin" ? last : recent + c.outstandingBefore };
    })
    .sort((a, b) => a.key - b.key || (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.login);
}

/** Index of the first element > `t` in an ascending list. */
function firstAfter(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class GitHubStrategy implements Strategy {
  readonly name: string;
  private readonly requests = new Map<string, number[]>();
  private readonly reminderHours;
  private nextReminder: number;

  constructor(
    private readonly world: World,
    private readonly algorithm: GitHubAlgorithm,
  ) {
    this.name = `github-${algorithm}`;
    const tz = world.scenario.channelTz ?? world.people[0]?.tz ?? "UTC";
    this.reminderHours = {
      tz,
      days: ["mon", "tue", "wed", "thu", "fri"] as const,
      start: "09:00",
      end: "09:01",
    };
    this.nextReminder = nextWorkingStart(
      { ...this.reminderHours, days: [...this.reminderHours.days] },
      world.nowMs,
    );
  }

  ready(pr: SimPr): void {
    const w = this.world;
    const author = pr.trace.author.toLowerCase();
    const old = new Map<string, number>();
    for (const o of w.openPrs()) {
      for (const [login, at] of o.requested)
        if (at <= w.nowMs - WINDOW_MS) old.set(login, (old.get(login) ?? 0) + 1);
    }
    const candidates: GitHubCandidate[] = w.people
      .filter((p) => p.login.toLowerCase() !== author)
      .map((p) => ({
        login: p.login,
        busy: w.isOut(p.login),
        requests: this.requests.get(p.login) ?? [],
        outstandingBefore: old.get(p.login) ?? 0,
      }));
    for (const login of githubPick(this.algorithm, candidates, w.scenario.reviewersPerPr, w.nowMs)) {
      const list = this.requests.get(login) ?? [];
      list.push(w.nowMs);
      this.requests.set(login, list);
      w.request(pr, login);
    }
  }

  reviewed(): void {}
  rerequested(): void {}
  merged(): void {}

  nextWakeMs(): number {
    return this.nextReminder;
  }

  /** The scheduled reminder: one post, each reviewer with waiting PRs mentioned once. */
  wake(): void {
    const w = this.world;
    const waiting = new Set<string>();
    for (const pr of w.openPrs()) for (const login of pr.requested.keys()) waiting.add(login);
    for (const login of [...waiting].sort()) w.message(login, null, "mention");
    this.nextReminder = nextWorkingStart(
      { ...this.reminderHours, days: [...this.reminderHours.days] },
      this.nextReminder + 60_000,
    );
  }
}
