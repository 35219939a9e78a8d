/**
 * The Linear issues a PR links, as review cards and `review list` lines show them:
 * `ENG-12 In Review · ENG-13 (references)`. Pure: the issues come from the linear-state agent
 * (`issuesForPr`) or, before it has linked the PR, from the keys in the PR's branch, title and body.
 * Either way only issues of the Linear teams linked to the tenant's channels are shown: without
 * one, no Linear text at all (`eng-42` in a branch is not an issue key for a team without Linear).
 */
import { literal } from "../../../chat/markup";
import { findIssueKeys, type IssueKeyInput, type IssueKeyRelation } from "../../../events/issue-keys";

export interface LinearIssueLine {
  /** `ENG-12`. */
  key: string;
  relation: IssueKeyRelation;
  /** Linear's state name (`In Review`); null while unknown. */
  state: string | null;
}

/** The part of a linear-state `LinkedIssue` shown here. */
export interface LinkedIssueView {
  link: { issue: string; relation: IssueKeyRelation };
  issue: { state: { name: string } | null } | null;
}

/** `ENG-12` -> `ENG`. */
const teamOf = (key: string) => key.slice(0, key.lastIndexOf("-")).toUpperCase();

/** The linked issues of the linked teams (a team unlinked since keeps its old links: not shown). */
export function fromLinks(
  linked: readonly LinkedIssueView[],
  linkedTeamKeys: readonly string[],
): LinearIssueLine[] {
  const teams = new Set(linkedTeamKeys.map((k) => k.toUpperCase()));
  return linked
    .filter(({ link }) => teams.has(teamOf(link.issue)))
    .map(({ link, issue }) => ({
      key: link.issue,
      relation: link.relation,
      state: issue?.state?.name ?? null,
    }));
}

/** Keys of the linked teams named in the PR itself (no state): until linear-state linked them. */
export function fromKeys(input: IssueKeyInput, linkedTeamKeys: readonly string[]): LinearIssueLine[] {
  if (linkedTeamKeys.length === 0) return [];
  return findIssueKeys(input, { knownTeamKeys: linkedTeamKeys }).map((ref) => ({
    key: ref.key,
    relation: ref.relation,
    state: null,
  }));
}

/** `ENG-12 In Review · ENG-13 (references)` (keys and states are outside text); "" when there is none. */
export function linearText(issues: readonly LinearIssueLine[]): string {
  return issues
    .map((i) => {
      const state = i.state ? ` ${i.state.replaceAll("\n", " ").slice(0, 60)}` : "";
      return `${literal(`${i.key}${state}`)}${i.relation === "references" ? " (references)" : ""}`;
    })
    .join(" · ");
}
