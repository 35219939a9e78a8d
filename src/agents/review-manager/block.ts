/**
 * "Start block": someone takes every review waiting for them in one repository at once — the block
 * of work the Context Optimizer's message offers ("acme/api: 3 reviews, about 40 min") — and gets
 * them back in the order to do them, smallest first.
 */
import { literal } from "../../chat/markup";
import type { ChannelRef, ChatUserRef } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { prRef } from "../../domain/pr-refs";
import { reviewMinutes } from "../context-optimizer/message";
import { act } from "./buttons";
import type { TenantView, Work } from "./context";
import { prLink } from "./model/format";
import type { TrackedPr } from "./model/model";

export interface BlockInput {
  repo: string;
  /** The clicker's GitHub login (a team member). */
  login: string;
  actor: ChatUserRef;
  place: ChannelRef;
}

/** The PRs waiting for `login` in `repo` (requested, not started), smallest first. */
export function blockOf(work: Work, login: string, repo: string): TrackedPr[] {
  const prs = work.store
    .queueOf(login)
    .filter((r) => r.status === "requested")
    .flatMap((r) => {
      const pr = work.store.prById(r.prId);
      return pr && !pr.draft && pr.repo.toLowerCase() === repo.toLowerCase() ? [pr] : [];
    });
  return prs.sort((a, b) => (a.lines ?? Number.MAX_SAFE_INTEGER) - (b.lines ?? Number.MAX_SAFE_INTEGER));
}

/** Starts each review of the block (as "Start review" would); answers them in order, with links. */
export function startBlock(
  work: Work,
  view: TenantView,
  prs: readonly TrackedPr[],
  input: BlockInput,
): Reply {
  const started = prs.filter((pr) => {
    const result = act(work, view, pr, { verb: "claim", target: prRef(pr), ...input, admin: false });
    return result.changed;
  });
  const repo = literal(input.repo);
  if (started.length === 0) {
    const text = `Nothing is waiting for you in ${repo} any more: \`/foreman review mine\` lists your reviews.`;
    return { ephemeral: true, text, sections: [{ text }], buttons: [], tone: "info" };
  }
  const known = started.every((pr) => pr.lines != null);
  const minutes = started.reduce((sum, pr) => sum + reviewMinutes(pr.lines ?? 0), 0);
  const text = `Started ${started.length} review${started.length === 1 ? "" : "s"} in ${repo}${known ? `, about ${minutes} min` : ""}: in this order.`;
  const lines = started.map(
    (pr, i) => `${i + 1}. ${prLink(pr)}${pr.lines == null ? "" : ` (${pr.lines} lines)`}`,
  );
  return { ephemeral: true, text, sections: [{ text, lines }], buttons: [], tone: "success" };
}
