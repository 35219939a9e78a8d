/**
 * What the simulation and a strategy share: a PR as it goes, the decisions a strategy makes
 * (`Strategy`) and what it can see and change (`World`), and what a run leaves to measure.
 */
import type { Scenario } from "./scenario";
import type { SimPerson } from "./team";
import type { TracePr } from "./trace";

export type ReviewState = "approved" | "changes_requested";
/** How a message reaches a person: GitHub's own notification, a DM, a mention in a channel. */
export type Channel = "github" | "dm" | "mention";

export interface SimPr {
  trace: TracePr;
  state: "draft" | "open" | "merged";
  /** Review round: 1, then one more after each round of changes. */
  round: number;
  readyAtMs: number | null;
  firstReviewAtMs: number | null;
  mergedAtMs: number | null;
  /** Outstanding review requests: login -> when requested. */
  requested: Map<string, number>;
  approvals: Set<string>;
  changesFrom: Set<string>;
  fixing: boolean;
  reviewsThisRound: number;
}

/** What a strategy decides; everything else is the shared behaviour model. */
export interface Strategy {
  readonly name: string;
  /** The PR is ready for review (opened, or a draft marked ready). */
  ready(pr: SimPr): void;
  reviewed(pr: SimPr, reviewer: string, state: ReviewState): void;
  /** The author asked `reviewer` again after changes (GitHub's request is already made). */
  rerequested(pr: SimPr, reviewer: string): void;
  merged(pr: SimPr): void;
  /** When the strategy next wants to act by itself (a reminder), or null. */
  nextWakeMs(): number | null;
  wake(): void;
  /**
   * Whether messages it has decided on are all out (default yes). Once every PR is merged the run
   * goes on, up to the horizon, while this is false: a message held for later is still sent and counted.
   */
  settled?(): boolean;
}

/** The world as a strategy sees and changes it. */
export interface World {
  readonly nowMs: number;
  readonly scenario: Scenario;
  readonly people: readonly SimPerson[];
  person(login: string): SimPerson | undefined;
  pr(number: number): SimPr | undefined;
  /** Open PRs (not drafts) in order of number. */
  openPrs(): SimPr[];
  /** A review request on GitHub (GitHub notifies the person). Ignored when already requested. */
  request(pr: SimPr, login: string): void;
  /** Removes a review request (a review already under way is still finished and submitted). */
  unrequest(pr: SimPr, login: string): void;
  /** A message that reaches `login` (about `pr`, or a list of PRs when null). */
  message(login: string, pr: SimPr | null, channel: Channel): void;
  /** Whether the person is out of office today (their local date). */
  isOut(login: string): boolean;
}

export interface PersonTally {
  /** Messages per local date. */
  byDay: Map<number, number>;
  /** Messages that reached them at work inside one of their focus blocks. */
  focus: number;
  /** Review requests received (each PR once; asking again after changes is not a new request). */
  requests: number;
  reviews: number;
}

/** One review as it happened: who, which PR and round, when started and submitted. */
export interface ReviewRecord {
  login: string;
  pr: number;
  round: number;
  startedAtMs: number;
  submittedAtMs: number;
  state: ReviewState | null;
}

/** A person asked to review a PR for the first time: when, and how many reviews they had open then. */
export interface RequestRecord {
  login: string;
  pr: number;
  atMs: number;
  /** PRs waiting in their queue or under their review at that moment, this one not included. */
  openReviews: number;
}

export interface RunResult {
  prs: SimPr[];
  /** Every review started, in the order started (state null: the PR was merged before it landed). */
  reviews: ReviewRecord[];
  /** Every first request of a person on a PR, in order (asking again after changes is not one). */
  requests: RequestRecord[];
  tallies: Map<string, PersonTally>;
  messagesByChannel: Record<Channel, number>;
  /** Messages that reached someone at work (working hours, not out of office). */
  workHoursMessages: number;
  /** Of those, messages inside one of the person's focus blocks, by channel. */
  focusByChannel: Record<Channel, number>;
  afterHoursPings: number;
  endMs: number;
}
