/**
 * Pure rules of the linear-state agent: which issue keys a PR names, which transition a PR event
 * is, what the Linear deliveries look like (keys, actions, bodies) and the channel note text.
 */
import { link, literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import { findIssueKeys, type IssueKeyRef, type IssueKeyRelation } from "../../events/issue-keys";
import type { LinearStateConfig } from "./config";
import type { PrEventData } from "./input";
import type { IssueSnapshot, PrIssueLink, PrRecord, PrState, Transition } from "./types";

export function prRecord(data: PrEventData): PrRecord {
  const { pr } = data;
  const state: PrState = pr.state === "open" ? "open" : pr.merged || data.merged ? "merged" : "closed";
  return {
    repo: data.repo.fullName.toLowerCase(),
    number: pr.number,
    title: pr.title,
    url: pr.htmlUrl,
    branch: pr.headRef,
    state,
    draft: pr.draft,
    updatedAt: pr.updatedAt,
  };
}

/** An event older than the newest one seen for its PR (out of order, or a late redelivery). */
export function isStale(stored: PrRecord | null, incoming: PrRecord): boolean {
  if (!stored) return false;
  return Date.parse(incoming.updatedAt) < Date.parse(stored.updatedAt);
}

/**
 * Issue keys in the PR's branch, title and body: only keys of the Linear teams linked to the
 * tenant's channels count. With none linked the tenant does not use Linear here, and a branch like
 * `feature/eng-42-rate-limit-101` names no issue (no links, no moves).
 */
export function scanKeys(data: PrEventData, linkedTeamKeys: readonly string[]): IssueKeyRef[] {
  if (linkedTeamKeys.length === 0) return [];
  const input = { branch: data.pr.headRef, title: data.pr.title, body: data.pr.body };
  return findIssueKeys(input, { knownTeamKeys: linkedTeamKeys });
}

/** The state move a PR event asks for: ready for review (open, not a draft) or merged. */
export function transitionFor(data: PrEventData): Transition | null {
  if (data.kind === "pr.closed") return data.merged || data.pr.merged ? "done" : null;
  if (data.kind === "pr.converted_to_draft") return null;
  return data.pr.state === "open" && !data.pr.draft ? "in_review" : null;
}

export const prRef = (repo: string, number: number) => `${repo}#${number}`;
export const linkKey = (issue: string, repo: string, number: number) =>
  `linear:link:${issue}:${prRef(repo, number)}`;
export const moveKey = (issue: string, repo: string, number: number, transition: Transition) =>
  `linear:move:${issue}:${prRef(repo, number)}:${transition}`;

export interface LinearRequest {
  action: string;
  body: Record<string, unknown>;
}

/** The PR shown on the issue: a link attachment (Linear de-duplicates by URL) or a comment. */
export function linkRequest(
  linkAs: LinearStateConfig["linkAs"],
  issue: string,
  relation: IssueKeyRelation,
  pr: PrRecord,
): LinearRequest {
  const ref = prRef(pr.repo, pr.number);
  if (linkAs === "attachment") {
    return {
      action: "attachmentLinkURL",
      body: { issueId: issue, url: pr.url, title: `${ref}: ${pr.title}` },
    };
  }
  const effect = relation === "closes" ? "merging it completes this issue" : "it references this issue";
  const body = `Pull request [${ref}](${pr.url}) (${pr.title}): ${effect}.`;
  return { action: "commentCreate", body: { input: { issueId: issue, body } } };
}

/**
 * Moves `issue` to the named state of its team. In review leaves completed and canceled issues
 * alone (no reopening); done leaves issues in any completed state alone.
 */
export function moveRequest(issue: string, transition: Transition, config: LinearStateConfig): LinearRequest {
  const stateName = transition === "done" ? config.doneState : config.inReviewState;
  const unlessStateTypes = transition === "done" ? ["completed"] : ["completed", "canceled"];
  return { action: "issueMoveToStateName", body: { issueId: issue, stateName, unlessStateTypes } };
}

type PrKey = { repo: string; number: number };
type ClosingPr = PrKey & { state: PrState };

/**
 * The merged PR whose done move completes an issue now, if any. An issue closed by several PRs
 * waits while any of them is open; then the merged ones that have no done move yet qualify (the
 * trigger first). A PR closed without merging completes the issue only through another merged PR.
 */
export function doneCandidate(
  trigger: PrKey,
  closing: readonly ClosingPr[],
  hasDone: (pr: PrKey) => boolean,
): PrKey | null {
  if (closing.some((p) => p.state === "open")) return null;
  const merged = closing.filter((p) => p.state === "merged" && !hasDone(p));
  const same = (p: PrKey) => p.repo === trigger.repo && p.number === trigger.number;
  return merged.find(same) ?? merged[0] ?? null;
}

/** "ENG-123 moved to In Review — PR acme/widgets#42", for the team's linked channels. */
export function stateNote(issue: IssueSnapshot, links: readonly PrIssueLink[]): Reply {
  // Identifiers, state names, repository names and URLs all come from Linear and GitHub: outside text.
  const linked = (label: string, url: string) => link(literal(label), url) ?? literal(label);
  const prs = links.map((l) => linked(prRef(l.repo, l.number), l.pr.url)).join(", ");
  const subject = linked(issue.identifier, issue.url);
  const state = issue.state ? literal(issue.state.name) : "no state";
  const text = `${subject} moved to **${state}** — PR${links.length > 1 ? "s" : ""} ${prs}`;
  return reply(text, { ephemeral: false, tone: "info" });
}
