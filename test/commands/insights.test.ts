/**
 * `/foreman insights` as chat shows it (src/commands/handlers/insights.ts `insightsReply`, pure): the
 * over-capacity names, bottlenecks with their suggested action and Rebalance button, slow repositories,
 * quality notes, the empty and no-Review-Manager answers, and outside text kept inert on both platforms.
 * The path through the agents is test/integration/insights.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { InsightsAnswer } from "../../src/agents/integration-dashboard";
import { decodeAction } from "../../src/chat/actions";
import { renderDiscord } from "../../src/chat/discord/render";
import { literal, unmarked } from "../../src/chat/markup";
import { renderSlack } from "../../src/chat/slack/render";
import { insightsReply } from "../../src/commands/handlers/insights";
import { buildInsights, type OpenReview, type RepoInsight } from "../../src/domain/insights";
import { reviewQuality } from "../../src/domain/review-quality";
import { HOUR_MS } from "../../src/domain/time";
import { shown } from "./helpers";

const NOW = Date.parse("2030-01-07T16:00:00Z");
const EVIL = "evil/[win](https://e.example)<@U0EVIL>";
const emptyQuality = reviewQuality([], { fromMs: 0, toMs: 1, clock: () => 0 });
const sources = { reviewManager: null, integrationDashboard: null };

function review(login: string, number: number, waitedH: number, repo = "acme/api"): OpenReview {
  return {
    login,
    repo,
    number,
    requestedAtMs: NOW - waitedH * HOUR_MS,
    waitingWorkingMs: waitedH * HOUR_MS,
    state: waitedH >= 4 ? "at_risk" : "ok",
  };
}

const q = (count: number, p50H: number, p75H: number) => ({
  count,
  p50Ms: count ? p50H * HOUR_MS : null,
  p75Ms: count ? p75H * HOUR_MS : null,
});

function slowRepo(repo: string): RepoInsight {
  return {
    repo,
    weeks: [
      { from: "", to: "", firstReview: q(4, 3, 8), inReview: q(2, 1, 2), toMerge: q(0, 0, 0) },
      { from: "", to: "", firstReview: q(4, 2, 3), inReview: q(0, 0, 0), toMerge: q(0, 0, 0) },
    ],
    trend: { p50Ratio: 1.5, p75Ratio: 2.67, doubled: true },
  };
}

function answer(parts: Partial<Parameters<typeof buildInsights>[0]>): InsightsAnswer {
  const input = { nowMs: NOW, weeks: 4, capacity: 5, open: [], repos: [], quality: emptyQuality, ...parts };
  return { ...buildInsights(input), sources };
}

describe("insightsReply", () => {
  it("names the reviewer over capacity, the bottleneck with its action and button", () => {
    const open = [...[1, 2, 3, 4, 5, 6].map((n) => review("bob", n, n + 1)), review("carol", 9, 1)];
    const reply = insightsReply(answer({ open }), null);
    const text = shown(reply);
    expect(reply.tone).toBe("warning");
    expect(text).toContain("Over capacity: **bob** (capacity 5). 1 bottleneck with aging reviews.");
    expect(text).toContain(
      "**bob**: 6 open reviews, capacity 5, oldest waiting 7 h (4 aging) — rebalance: reassign the oldest, `acme/api#6`",
    );
    expect(text).not.toContain("carol"); // within capacity: not a note
    expect(reply.buttons.map((b) => [b.label, decodeAction(b.action)])).toEqual([
      ["Rebalance bob", { verb: "review.rebalance", arg: "bob" }],
    ]);
  });

  it("someone over capacity with fresh reviews is named, not called a bottleneck", () => {
    const open = [1, 2, 3, 4, 5, 6].map((n) => review("dana", n, 0.25));
    const reply = insightsReply(answer({ open }), "Acme/API");
    const text = shown(reply);
    expect(reply.tone).toBe("info");
    expect(text).toContain(
      "Over capacity in `acme/api`: **dana** (capacity 5). No review of theirs is aging yet.",
    );
    expect(reply.sections.find((s) => s.title === "Over capacity")?.lines?.map(unmarked)).toEqual([
      "**dana**: 6 open reviews, capacity 5, oldest waiting 15 min — none aging yet: over capacity, not a bottleneck yet",
    ]);
    expect(reply.buttons).toEqual([]);
  });

  it("a repository whose P75 doubled, the slowest repositories, and quality notes", () => {
    const repos = [slowRepo("acme/api")];
    const quality = {
      ...emptyQuality,
      repos: [
        {
          repo: "acme/api",
          size: { prs: 10, unknown: 0, medianLines: 220, withinRange: 7, overRange: 3, buckets: [] },
          approvals: { approvals: 8, quick: 2, silentLarge: 1 },
          rounds: { prs: 6, mean: 1.5, max: 4, many: 1, mergedWithoutReview: 2 },
          concentration: {
            reviews: 12,
            reviewers: 2,
            top: [{ reviewer: "bob", reviews: 9, share: 0.75 }],
            silo: true,
          },
        },
      ],
      reviewers: [{ reviewer: "bob", reviews: 9, approvals: 6, quick: 2, silentLarge: 1 }],
      sizeEffect: {
        thresholdLines: 400,
        over: { count: 5, medianMs: 9 * HOUR_MS },
        under: { count: 9, medianMs: 3 * HOUR_MS },
        ratio: 3,
      },
    };
    const text = shown(insightsReply(answer({ repos, quality }), null));
    expect(text).toContain("No reviewer is over capacity (capacity 5).");
    expect(text).toContain(
      "`acme/api`: P75 time to first review 8 h in the last 7 days, 3 h the 7 before (doubled) — spread its reviews",
    );
    expect(text).toContain(
      "`acme/api`: first review P50 3 h, P75 8 h (P75 ×2.67 against the 7 days before); in review P50 1 h, P75 2 h",
    );
    expect(text).toContain("`acme/api`: 3 of 10 PRs over 400 lines (median 220 lines)");
    expect(text).toContain("`acme/api`: 1 PR went 3+ review rounds (1.5 on average)");
    expect(text).toContain("`acme/api`: 2 PRs merged without a review");
    expect(text).toContain("`acme/api`: **bob** did 75% of 12 reviews — a knowledge silo");
    expect(text).toContain(
      "**bob**: 2 approvals within 5 minutes of the request, 1 approval of a PR over 400 lines without a comment",
    );
    expect(text).toContain(
      "Reviews of PRs over 400 lines take 3x longer here (median 9 h against 3 h to first review)",
    );
  });

  it("an empty tenant: nothing to report yet; without a Review Manager: says so", () => {
    const empty = insightsReply(answer({ capacity: null }), null);
    expect(empty.tone).toBe("info");
    expect(shown(empty)).toContain(
      "Nothing to report yet: no open reviews, and no reviews recorded in the last 4 weeks.",
    );
    const noManager = insightsReply(answer({ capacity: null, repos: [slowRepo("acme/api")] }), null);
    expect(shown(noManager)).toContain("No Review Manager is running, so open reviews are not known.");
  });

  it("keeps repository names and logins from outside inert on Slack and Discord", () => {
    const open = [1, 2, 3, 4, 5, 6].map((n) => review("bob", n, 6, EVIL));
    const reply = insightsReply(answer({ open, repos: [slowRepo(EVIL)] }), null);
    expect(JSON.stringify(reply)).toContain(literal(`${EVIL}#1`));
    const slack = JSON.stringify(renderSlack(reply));
    expect(slack).not.toContain("<@U0EVIL>");
    expect(slack).not.toContain("<https://e.example");
    // Discord: only inside code spans, which show text as written; and no mention is allowed anyway.
    const discord = renderDiscord(reply);
    const outsideCode = JSON.stringify(discord).replace(/`[^`]*`/g, "");
    expect(outsideCode).not.toContain("<@U0EVIL>");
    expect(outsideCode).not.toContain("](https://e.example)");
    expect(discord.allowed_mentions).toEqual({ parse: [], users: [] });
  });
});
