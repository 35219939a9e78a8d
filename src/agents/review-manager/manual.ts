/** `review assign <owner/repo#n>`: assign now, or say why not (unknown, closed, draft, assigned). */
import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { type PrRef, prRef } from "../../domain/pr-refs";
import { assign, cardFor } from "./assign";
import type { TenantView, Work } from "./context";
import { nobodyCard } from "./model/cards";
import { mention } from "./model/format";
import type { TrackedPr } from "./model/model";

export type AssignNowOutcome = "assigned" | "already" | "covered" | "nobody" | "unknown" | "closed" | "draft";

export interface AssignNowResult {
  outcome: AssignNowOutcome;
  reply: Reply;
}

const say = (outcome: AssignNowOutcome, text: string, tone: Reply["tone"] = "warning"): AssignNowResult => ({
  outcome,
  reply: { ephemeral: true, text, sections: [], buttons: [], tone },
});

/** The answer for a PR no webhook has told the Review Manager about. */
export function unknownPr(ref: PrRef): AssignNowResult {
  return say(
    "unknown",
    `Foreman has not seen ${literal(prRef(ref))} yet. A pull request is tracked once a GitHub webhook about it arrives (opened, ready for review, review requested, ...): check that the repository's webhook points at Foreman.`,
  );
}

export function assignNow(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  platform: ChatPlatform,
): AssignNowResult {
  const ref = literal(prRef(pr));
  if (pr.state !== "open") return say("closed", `${ref} is ${pr.state}: nothing to assign.`);
  if (pr.draft) {
    return say("draft", `${ref} is a draft: reviewers are assigned when it is marked ready for review.`);
  }
  const out = assign(work, view, pr, { force: true });
  switch (out.kind) {
    case "not-ready":
      return say("closed", `${ref} is not open for review.`);
    case "already": {
      const who = out.reviewers.map((r) => mention(r.login, view.people, platform)).join(", ");
      const headline = `${ref} already has ${who} reviewing; use Reassign on the card to hand it to someone else.`;
      return {
        outcome: "already",
        reply: { ...cardFor(work, view, pr, platform, headline), ephemeral: true },
      };
    }
    case "covered":
      return say("covered", `${ref} already has the reviewers it needs requested on GitHub.`, "info");
    case "nobody":
      return {
        outcome: "nobody",
        reply: {
          ...nobodyCard({ pr, people: view.people, platform, nowMs: work.nowMs }, out.result),
          ephemeral: true,
        },
      };
    case "assigned": {
      const logins = out.reviewers.map((r) => mention(r.login, view.people, platform)).join(" and ");
      const headline = `Assigned ${logins} to review ${ref}.`;
      return {
        outcome: "assigned",
        reply: { ...cardFor(work, view, pr, platform, headline, { tone: "success" }), ephemeral: false },
      };
    }
  }
}
