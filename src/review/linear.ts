/**
 * The Linear issues a PR links, as review cards and `review list` lines show them:
 * `ENG-12 In Review · ENG-13 (references)`. Pure: the issues come from the linear-state agent
 * (`issuesForPr`) or, before it has linked the PR, from the keys in the PR's branch, title and body.
 */
import { literal } from "../commands/markup";
import { findIssueKeys, type IssueKeyInput, type IssueKeyRelation } from "../events/issue-keys";

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

export function fromLinks(linked: readonly LinkedIssueView[]): LinearIssueLine[] {
  return linked.map(({ link, issue }) => ({
    key: link.issue,
    relation: link.relation,
    state: issue?.state?.name ?? null,
  }));
}

/** Keys named in the PR itself (no state): the fallback until the linear-state agent linked them. */
export function fromKeys(input: IssueKeyInput, knownTeamKeys?: readonly string[]): LinearIssueLine[] {
  const options = knownTeamKeys?.length ? { knownTeamKeys } : {};
  return findIssueKeys(input, options).map((ref) => ({ key: ref.key, relation: ref.relation, state: null }));
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
