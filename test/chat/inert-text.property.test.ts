/**
 * Text from outside stays inert (issue 11, §3): for ANY string used as a PR title, repository name,
 * display name, workflow name, Linear state or echoed command input, the rendered Slack text and
 * blocks and the rendered Discord content and embeds
 * - contain no live element (mention, channel reference, special mention, link, formatting marker,
 *   quote, heading, list, ping) that the same message with a plain word in its place does not have;
 * - read, to a person, as the string itself (Slack look-alikes read as what they stand for).
 * The messages are built by the real builders (cards, `review list`, digest, workflow cards,
 * parse errors) and rendered by the real renderers; the readers (test/helpers/chat-read.ts) follow
 * the platforms' rules, not the renderers' code.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../src/agents/model";
import type { People } from "../../src/agents/review-manager/model/candidates";
import { cardStatus } from "../../src/agents/review-manager/model/card-status";
import { nobodyCard, prCard } from "../../src/agents/review-manager/model/cards";
import { mention } from "../../src/agents/review-manager/model/format";
import type {
  Person,
  QueueItem,
  ReviewerRecord,
  TrackedPr,
} from "../../src/agents/review-manager/model/model";
import { queueReply } from "../../src/agents/review-manager/model/queue";
import { renderDiscord } from "../../src/chat/discord/render";
import type { ChatPlatform } from "../../src/chat/platform";
import { type Reply, reply } from "../../src/chat/reply";
import { renderSlack } from "../../src/chat/slack/render";
import { workflowCard } from "../../src/commands/handlers/cards";
import { who } from "../../src/commands/handlers/format";
import { workflowListReply } from "../../src/commands/handlers/workflows";
import { parseCommand } from "../../src/commands/parse";
import { runParsed } from "../../src/commands/run";
import { buildDigest, type DigestPr } from "../../src/digest/build";
import { chatContext } from "../commands/helpers";
import { extraLive, foldSlack, type Read, readDiscord, readSlack } from "../helpers/chat-read";

const NOW = Date.UTC(2030, 0, 7, 12, 0);
const URL = "https://github.com/acme/api/pull/42";
const SLACK_BOB = "U0BOB";
const DISCORD_BOB = "123456789012345678";

/** Strings an attacker would try, and pieces of them, to mix into generated text. */
const FRAGMENTS = [
  "[Approve now](https://evil.example/phish)",
  "<@U0VICTIM1>",
  "<@U0VICTIM2|boss>",
  "<#C0SECRET>",
  "<#C0SECRET|general>",
  "<!here>",
  "<!channel>",
  "<!subteam^S01|@team>",
  "<!date^1392734382^{date}|x>",
  "<https://evil.example|click>",
  "@everyone",
  "@here",
  "<@223456789012345678>",
  "<@!223456789012345678>",
  "<@&223456789012345679>",
  "<#323456789012345670>",
  "<t:1700000000:R>",
  "https://evil.example/x",
  "*",
  "**",
  "_",
  "__",
  "~",
  "~~",
  "`",
  "```",
  "|",
  "||",
  ">",
  ">>> ",
  "\n",
  "\r\n",
  "# ",
  "-# ",
  "- ",
  "+ ",
  "1. ",
  "&",
  "&lt;",
  "&amp;",
  "\\",
  "\u00AD",
  "\uFF0A",
  "\uFF3F",
  "\uFF40",
  "\uFF1E",
  "\u2217",
  "\uE000",
  "\uE001",
  "\uE002<@U0VICTIM1>\uE003",
  "\uE002[x](https://evil.example)\uE003",
  ":smile:",
  " ",
  "a",
  "snake_case",
  "x*y*z",
];

const outside = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ maxLength: 40 }),
    fc
      .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 3 })), { maxLength: 4 })
      .map((parts) => parts.join("")),
  )
  .filter((s) => s.length <= 70);

const BENIGN = "Plain1";

function people(platform: ChatPlatform): People {
  const id = platform === "slack" ? SLACK_BOB : DISCORD_BOB;
  const person: Person = {
    login: "bob",
    user: { platform, id },
    tz: "UTC",
    lead: true,
    schedule: { tz: "UTC", days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
  };
  return new Map([["bob", person]]);
}

function trackedPr(over: Partial<TrackedPr> = {}): TrackedPr {
  return {
    id: 7,
    repo: "acme/api",
    number: 42,
    title: "Fix the cache",
    url: URL,
    author: "bob",
    draft: false,
    state: "open",
    labels: [],
    headRef: "fix-cache",
    requestedReviewers: [],
    requestedTeams: [],
    updatedAtMs: NOW,
    round: 1,
    assignedRound: 1,
    readyAtMs: NOW,
    pausedAtMs: null,
    lastResult: null,
    firstSeenAtMs: NOW,
    ...over,
  };
}

const reviewer: ReviewerRecord = {
  prId: 7,
  login: "bob",
  source: "foreman",
  reason: "next in rotation (never assigned)",
  requestedAtMs: NOW,
  status: "requested",
  reviewState: null,
  claimedBy: null,
  claimedAtMs: null,
  sla: null,
  fired: 0,
  nextAtMs: null,
  pausedAtMs: null,
  snoozes: 0,
  seq: 1,
  previous: null,
  updatedAtMs: NOW,
};

function queueItem(pr: TrackedPr): QueueItem {
  return {
    id: pr.id,
    repo: pr.repo,
    number: pr.number,
    title: pr.title,
    url: pr.url,
    author: pr.author,
    readyAtMs: NOW,
    waitingWorkingMs: 3_600_000,
    reviewers: [
      {
        login: "bob",
        status: "requested",
        reason: null,
        requestedAtMs: NOW,
        waitingWorkingMs: 3_600_000,
        dueAtMs: null,
        tz: null,
        state: null,
        paused: false,
      },
    ],
    draft: false,
    approvals: 0,
    labels: [],
    linear: [{ key: "ENG-1", relation: "closes", state: "In Review" }],
  };
}

/** The channel card, the reviewer's DM (the same card), the "nobody" card, `review list`, the digest. */
function reviewMessages(pr: TrackedPr, platform: ChatPlatform, linearState = "In Review"): Reply[] {
  const team = people(platform);
  const linear = [{ key: "ENG-1", relation: "closes" as const, state: linearState }];
  const card = { pr, reviewers: [reviewer], people: team, platform, nowMs: NOW, linear };
  const item = { ...queueItem(pr), linear };
  const digestPr: DigestPr = {
    repo: pr.repo,
    number: pr.number,
    title: pr.title,
    url: pr.url,
    author: pr.author,
    reviewers: [{ login: "bob", mention: mention("bob", team, platform) }],
    waitingWorkingMs: 3_600_000,
    state: "at_risk",
  };
  const digest = buildDigest({
    channelLabel: pr.repo,
    nowMs: NOW,
    prs: [digestPr, { ...digestPr, number: 43, reviewers: [] }],
    merged24h: [{ repo: pr.repo, number: 41, title: pr.title }],
    slowestRepo: { repo: pr.repo, medianMs: 7_200_000, count: 3 },
    emptyMode: "post",
  });
  // The card as edited in place when the review moves on (src/agents/review-manager/model/card-status.ts).
  const approved = { ...reviewer, status: "reviewed" as const, reviewState: "approved" as const };
  const live = cardStatus(pr, [approved], team, platform, NOW);
  return [
    prCard({ ...card, headline: `${mention("bob", team, platform)} is asked to review.` }),
    prCard({ ...card, reviewers: [approved], headline: live.headline, tone: live.tone }),
    prCard({
      ...card,
      pr: { ...pr, state: "merged" },
      headline: cardStatus({ ...pr, state: "merged" }, [], team, platform, NOW).headline,
    }),
    nobodyCard({ pr, people: team, platform, nowMs: NOW, linear }, null),
    queueReply({ nowMs: NOW, items: [item] }, team, platform, {
      title: "Reviews",
      empty: "Nothing.",
      noun: (n) => `${n} waiting`,
      zone: null,
    }),
    ...(digest ? [digest] : []),
  ];
}

function workflow(name: string): Workflow {
  return {
    workflowId: "wf_abc",
    tenant: "t",
    name,
    description: "",
    priority: "high",
    context: { tags: [] },
    status: "active",
    agents: [],
    history: [],
    createdAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
  };
}

/** A person's name where no mention renders (they are on the other platform). */
function nameMessages(name: string, platform: ChatPlatform): Reply[] {
  const other: ChatPlatform = platform === "slack" ? "discord" : "slack";
  const person = who({ platform: other, id: "X1", name }, { platform, workspaceId: "W", channelId: "C" });
  const text = `Removed ${person} from the team.`;
  return [
    reply(text, {
      title: "Team",
      sections: [{ text, lines: [`Ask a lead: ${person}.`], fields: [{ label: "Lead", value: person }] }],
      footer: `Changed by ${person}.`,
    }),
  ];
}

function workflowMessages(name: string): Reply[] {
  const wf = workflow(name);
  const text = `Workflow **${BENIGN}** created`;
  return [reply(text, { ...workflowCard(wf, [], text) }), workflowListReply([wf])];
}

interface Subject {
  name: string;
  build: (s: string, platform: ChatPlatform) => Reply[] | Promise<Reply[]>;
  /** What a person must read somewhere in the messages. */
  reads: (s: string) => string;
}

const stripMarkers = (s: string) => s.replace(/[\uE000-\uE003]/g, "");
const oneLine = (s: string) => stripMarkers(s).replaceAll("\n", " ");

const SUBJECTS: Subject[] = [
  {
    name: "PR title",
    build: (s, platform) => reviewMessages(trackedPr({ title: s }), platform),
    reads: oneLine,
  },
  {
    name: "repository name",
    build: (s, platform) => reviewMessages(trackedPr({ repo: s }), platform),
    reads: (s) => `${stripMarkers(s)}#42`,
  },
  {
    name: "display name",
    build: (s, platform) => nameMessages(s, platform),
    reads: stripMarkers,
  },
  {
    name: "workflow name",
    build: (s) => workflowMessages(s),
    reads: stripMarkers,
  },
  {
    name: "Linear state",
    build: (s, platform) => reviewMessages(trackedPr(), platform, s),
    // Cut at 60 UTF-16 units as received (marker characters included), then shown without markers.
    reads: (s) => stripMarkers(s.replaceAll("\n", " ").slice(0, 60)),
  },
];

function render(replies: Reply[], platform: ChatPlatform): Read[] {
  return replies.map((r) =>
    platform === "slack" ? readSlack(renderSlack(r)) : readDiscord(renderDiscord(r)),
  );
}

const PLATFORMS: ChatPlatform[] = ["slack", "discord"];

describe("outside text is inert in every rendered message", () => {
  for (const subject of SUBJECTS) {
    for (const platform of PLATFORMS) {
      it(`any ${subject.name}, on ${platform}`, async () => {
        const baseline = render(await subject.build(BENIGN, platform), platform);
        await fc.assert(
          fc.asyncProperty(outside, async (s) => {
            const reads = render(await subject.build(s, platform), platform);
            for (const [i, read] of reads.entries()) {
              const base = baseline[i];
              if (!base) throw new Error("a message the plain word did not produce");
              expect(extraLive(read, base), `${JSON.stringify(s)} made something live`).toEqual([]);
            }
            const expected = subject.reads(s);
            const shown = reads.map((r) => r.text).join("\n");
            const want = platform === "slack" ? foldSlack(expected) : expected;
            expect(shown.includes(want), `${JSON.stringify(s)} does not read as written`).toBe(true);
          }),
          { numRuns: 150 },
        );
      });
    }
  }

  for (const platform of PLATFORMS) {
    it(`any echoed command input (parse errors quote it), on ${platform}`, async () => {
      const ctx = chatContext("t-inert-props");
      await fc.assert(
        fc.asyncProperty(outside, async (s) => {
          for (const typed of [s, `team add ${s}`, `digest filter --labels ${s}`]) {
            const parsed = parseCommand(typed);
            if (parsed.ok) continue;
            // The same answer with plain words where the input was quoted.
            const plain = { ...parsed, error: BENIGN, ...(parsed.suggestion ? { suggestion: BENIGN } : {}) };
            const [read] = render([await runParsed(parsed, ctx)], platform);
            const [base] = render([await runParsed(plain, ctx)], platform);
            if (!read || !base) throw new Error("no answer");
            expect(extraLive(read, base), `${JSON.stringify(typed)} made something live`).toEqual([]);
            const error = stripMarkers(parsed.error);
            expect(read.text.includes(platform === "slack" ? foldSlack(error) : error)).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
