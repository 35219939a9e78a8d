import { describe, expect, it } from "vitest";
import { decodeAction } from "../../src/chat/actions";
import { renderDiscord } from "../../src/chat/discord/render";
import { unmarked } from "../../src/chat/markup";
import type { Reply } from "../../src/chat/reply";
import { renderSlack } from "../../src/chat/slack/render";
import { buildDigest, type DigestInput, type DigestPr } from "../../src/digest/build";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 0, 7, 17, 0);
const bob = { login: "bob", mention: "<@U0BOB>" };
const carol = { login: "carol", mention: "<@U0CAROL>" };

function pr(number: number, hours: number, parts: Partial<DigestPr> = {}): DigestPr {
  return {
    repo: "acme/api",
    number,
    title: `Change ${number}`,
    url: `https://github.com/acme/api/pull/${number}`,
    author: "octocat",
    reviewers: [bob],
    waitingWorkingMs: hours * HOUR,
    state: "ok",
    ...parts,
  };
}

const input = (prs: DigestPr[], parts: Partial<DigestInput> = {}): DigestInput => ({
  channelLabel: "#reviews",
  nowMs: NOW,
  prs,
  merged24h: [],
  emptyMode: "post",
  ...parts,
});

function built(i: DigestInput): Reply {
  const r = buildDigest(i);
  if (!r) throw new Error("no digest");
  return r;
}

const shown = (r: Reply) => unmarked(JSON.stringify(r.sections));

describe("buildDigest", () => {
  it("groups by reviewer (nobody first, then longest waiting), oldest first, with working hours and SLA", () => {
    const r = built(
      input(
        [
          pr(1, 2),
          pr(2, 9.5, { state: "breached" }),
          pr(3, 4, { reviewers: [carol], state: "at_risk" }),
          pr(4, 1, { reviewers: [], state: null }),
          pr(5, 3, { repo: "acme/web", reviewers: [bob, carol] }),
        ],
        { merged24h: [{ repo: "acme/api", number: 7, title: "Shipped" }] },
      ),
    );
    expect(r.ephemeral).toBe(false);
    expect(unmarked(r.title ?? "")).toBe("Review digest for #reviews");
    expect(unmarked(r.text)).toBe(
      "5 pull requests waiting for review (1 breached, 1 at risk), oldest first.",
    );
    expect(r.tone).toBe("warning");
    const titles = r.sections.map((s) => s.title);
    expect(titles).toEqual([
      undefined,
      "Nobody assigned — 1 pull request",
      "<@U0BOB> — 3 pull requests (1 breached)",
      "<@U0CAROL> — 2 pull requests (1 at risk)",
      "Load (pull requests waiting)",
      "Merged in the last 24 h: 1",
    ]);
    expect(r.sections[2]?.lines?.map(unmarked)).toEqual([
      "[acme/api#2](https://github.com/acme/api/pull/2) Change 2 — 9.5 working h · **breached**",
      "[acme/web#5](https://github.com/acme/api/pull/5) Change 5 — 3 working h · **ok**",
      "[acme/api#1](https://github.com/acme/api/pull/1) Change 1 — 2 working h · **ok**",
    ]);
    expect(r.sections[0]?.lines?.map(unmarked)).toEqual([
      "Most waiting on one reviewer: <@U0BOB> (3 pull requests)",
      "Slowest repository: `acme/api` (4.1 working h waiting on average)",
      "1 pull request with nobody assigned",
    ]);
    expect(r.sections[4]?.lines?.map(unmarked)).toEqual([
      "Nobody assigned: 1 · <@U0BOB>: 3 (1 breached) · <@U0CAROL>: 2 (1 at risk)",
    ]);
    expect(r.sections[5]?.lines?.map(unmarked)).toEqual(["**acme/api#7** Shipped"]);
    expect(r.buttons).toHaveLength(1);
    expect(r.buttons[0]?.label).toBe("Refresh");
    expect(decodeAction(r.buttons[0]?.action)).toEqual({ verb: "digest.refresh", arg: "" });
  });

  it("applies the filters: drafts, approvals, minimum age, required and ignored labels", () => {
    const prs = [
      pr(1, 5, { draft: true }),
      pr(2, 5, { approvals: 2 }),
      pr(3, 0.5),
      pr(4, 5, { labels: ["WIP"] }),
      pr(5, 5, { labels: ["backend"] }),
      pr(6, 5, { labels: ["frontend", "backend"] }),
    ];
    const filters = {
      ignoreDrafts: true,
      ignoreApprovedAtLeast: 2,
      minAgeHours: 1,
      ignoredLabels: ["wip", "frontend"],
    };
    expect(shown(built(input(prs, { filters })))).toMatch(/acme\/api#5\b/);
    expect(built(input(prs, { filters })).text).toMatch(/^1 pull request waiting/);
    const required = built(input(prs, { filters: { requiredLabels: ["Backend"] } }));
    expect(unmarked(required.text)).toMatch(/^2 pull requests waiting/);
    expect(built(input(prs)).text).toMatch(/^6 pull requests waiting/);
  });

  it("an empty digest says so in one line, or is skipped", () => {
    const empty = built(input([pr(1, 0.5)], { filters: { minAgeHours: 1 } }));
    expect(unmarked(empty.text)).toBe("No pull requests are waiting for review.");
    expect(empty.sections).toEqual([{ text: empty.text }]);
    expect(empty.tone).toBe("success");
    expect(buildDigest(input([], { emptyMode: "skip" }))).toBeNull();
  });

  it("500 waiting pull requests fit Slack's and Discord's limits and end in '…and N more'", () => {
    const people = Array.from({ length: 25 }, (_, i) => ({ login: `dev${i}`, mention: `<@U0DEV${i}>` }));
    const prs = Array.from({ length: 500 }, (_, i) =>
      pr(i + 1, (i * 7) % 97, {
        title: `A rather long pull request title number ${i} `.repeat(4),
        reviewers: [people[i % people.length] ?? bob],
        state: i % 5 === 0 ? "breached" : "ok",
      }),
    );
    const merged = Array.from({ length: 40 }, (_, i) => ({ repo: "acme/api", number: 900 + i, title: "x" }));
    const r = built(input(prs, { merged24h: merged }));
    expect(unmarked(r.text)).toMatch(/^500 pull requests waiting/);
    expect(shown(r)).toContain("…and 15 more");
    expect(shown(r)).toContain("…and 17 more reviewers");

    const slack = renderSlack(r);
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    for (const b of slack.blocks) {
      if (b.type === "section") expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    expect(JSON.stringify(slack.blocks)).toContain("…and ");

    const discord = renderDiscord(r);
    expect(discord.embeds.length).toBeLessThanOrEqual(10);
    const chars = discord.embeds.reduce(
      (n, e) =>
        n +
        (e.title?.length ?? 0) +
        (e.description?.length ?? 0) +
        (e.footer?.text.length ?? 0) +
        (e.fields ?? []).reduce((a, f) => a + f.name.length + f.value.length, 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(6000);
    expect(JSON.stringify(discord.embeds)).toMatch(/…and \d+ more/);
  });

  it("says how many wait in all when only the longest-waiting were read", () => {
    const r = built(input([pr(1, 9), pr(2, 8, { state: "breached" })], { waitingTotal: 12_000 }));
    expect(unmarked(r.text)).toBe(
      "12000 pull requests waiting for review; the 2 that waited longest are grouped below (1 breached).",
    );
    const whole = built(input([pr(1, 9), pr(2, 8)], { waitingTotal: 2 }));
    expect(unmarked(whole.text)).toBe("2 pull requests waiting for review, oldest first.");
  });
});
