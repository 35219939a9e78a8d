/**
 * Every reply is true and speaks the team's language: every subcommand of the grammar (its examples
 * and the bare command, so usage answers too), every help topic, and the alert messages, rendered
 * for Slack and Discord, asked by an admin, by someone who is not, and on a first run. None may say a
 * working feature does not exist ("not in this version", "coming in a later version", "not yet", …)
 * or show a repository file path (`docs/…`, `src/…`, `*.md`, `*.ts`) to chat users; on Discord no
 * command line may be in Slack's syntax (`--flag`, a bare `@mention` where an option goes).
 */
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { alertOpened, alertResolved } from "../../src/alerts/message";
import { renderDiscord } from "../../src/chat/discord/render";
import type { Reply } from "../../src/chat/reply";
import { renderSlack } from "../../src/chat/slack/render";
import type { CommandContext } from "../../src/commands/context";
import { COMMANDS, HELP_TOPICS } from "../../src/commands/grammar";
import { ALERT_RULES, type Incident } from "../../src/domain/alert-rules";
import { settings } from "../../src/settings/stub";
import {
  CHANNEL,
  deliver,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, discord, run, slack } from "./helpers";

/** Words that tell a user a working feature does not exist. */
const UNTRUE = [
  /not in this version/i,
  /(?:in|with) a (?:later|future|coming|next) version/i,
  /later version/i,
  /future version/i,
  /\bnot yet\b/i,
  /coming soon/i,
  /not (?:yet )?implemented/i,
  /not available yet/i,
  /\bwill (?:be )?(?:added|supported) later\b/i,
];

/** Repository file paths: a folder of the repository, or a source/doc file name. */
const REPO_PATH =
  /(?<![\w/.:-])(?:docs|src|test|scripts|public|manifests|bench)\/[\w.-]+|\b[\w-]+\.(?:md|ts|mts|mjs|cjs|toml)\b/;

/** Slack's syntax in a backticked command line: a `--flag`, or a mention where an option goes. */
const SLACK_SYNTAX = /`\/foreman[^`]*\s(?:--[a-z]|<?@[\w<])[^`]*`/;

interface Finding {
  where: string;
  problem: string;
  excerpt: string;
}

function findings(where: string, output: string, platform: "slack" | "discord"): Finding[] {
  const out: Finding[] = [];
  const near = (m: RegExpExecArray) => output.slice(Math.max(0, m.index - 60), m.index + 80);
  for (const re of UNTRUE) {
    const m = re.exec(output);
    if (m) out.push({ where, problem: `says "${m[0]}"`, excerpt: near(m) });
  }
  const path = REPO_PATH.exec(output);
  if (path) out.push({ where, problem: `shows the path ${path[0]}`, excerpt: near(path) });
  if (platform === "discord") {
    const slackish = SLACK_SYNTAX.exec(output);
    if (slackish) out.push({ where, problem: "Slack syntax on Discord", excerpt: slackish[0] });
  }
  return out;
}

/** Everything a platform would show: the rendered message, as one string. */
function rendered(reply: Reply, platform: "slack" | "discord"): string {
  const message = platform === "slack" ? renderSlack(reply) : renderDiscord(reply);
  return JSON.stringify(message).replaceAll("\\n", "\n");
}

interface Asker {
  label: string;
  tenant: string;
  ctx: CommandContext;
  /** A team member to name in examples, as a mention of the asker's platform. */
  mention: string;
  /** Real ids for the examples' `wf_abc123` / `agt_abc123`. */
  workflowId?: string;
  agentId?: string;
}

/** A tenant with a team (lead lena), a linked repository, a Review Manager and a waiting PR. */
async function reviewTenant(tenant: string): Promise<{ workflowId: string; agentId: string }> {
  await setupTenant(tenant);
  const h = await reviewManager(tenant);
  await deliver(h, prEvent("opened", { number: 1, author: "octocat", branch: "fix-1" }, h.clock.t));
  const s = settings(env(), tenant);
  await s.setOoo({ platform: "slack", id: "U0CAROL" }, "2099-01-01", "test");
  await s.addMember(
    { user: { platform: "discord", id: "323456789012345678" }, github: "dora", tz: "Europe/Berlin" },
    "test",
  );
  const standing = await coordinator(env(), tenant).standingAgents(tenant, { correlationId: "replies" });
  if (!standing.ok) throw new Error(standing.error.message);
  const agent = await coordinator(env(), tenant).getAgent(standing.value["review-manager"]);
  if (!agent.ok) throw new Error(agent.error.message);
  return { workflowId: agent.value.workflowId, agentId: agent.value.agentId };
}

const env = () => chatContext("replies-env").env;

async function askers(): Promise<Asker[]> {
  const slackTenant = "replies-slack";
  const discordTenant = "replies-discord";
  const ids = {
    slack: await reviewTenant(slackTenant),
    discord: await reviewTenant(discordTenant),
  };
  const inReviews = { channelId: CHANNEL.channelId };
  const discordPlace = { place: { channelId: "998877665544332211" } };
  return [
    {
      label: "Slack, admin (lead)",
      tenant: slackTenant,
      ctx: chatContext(slackTenant, { actor: slack("U0LENA", "lena"), ...inReviews }),
      mention: "<@U0BOB|bob>",
      ...ids.slack,
    },
    {
      label: "Slack, not admin",
      tenant: slackTenant,
      ctx: chatContext(slackTenant, { actor: slack("U0BOB", "bob"), ...inReviews }),
      mention: "<@U0CAROL|carol>",
      ...ids.slack,
    },
    {
      label: "Discord, admin (Manage Server)",
      tenant: discordTenant,
      ctx: chatContext(discordTenant, {
        actor: discord("223456789012345678"),
        platformAdmin: true,
        ...discordPlace,
      }),
      mention: "<@323456789012345678>",
      ...ids.discord,
    },
    {
      label: "Discord, not admin",
      tenant: discordTenant,
      ctx: chatContext(discordTenant, { actor: discord("323456789012345678"), ...discordPlace }),
      mention: "<@423456789012345678>",
      ...ids.discord,
    },
    {
      label: "Discord, first run",
      tenant: "replies-first-run",
      ctx: chatContext("replies-first-run", { actor: discord("523456789012345678") }),
      mention: "<@623456789012345678>",
    },
  ];
}

/** The command lines to run: each command's examples and its bare form; every help topic. */
function commandLines(asker: Asker): { name: string; text: string }[] {
  const fill = (example: string) =>
    example
      .replace(/^\/foreman /, "")
      .replace(/@alice/g, asker.mention)
      .replace(/wf_abc123/g, asker.workflowId ?? "wf_abc123")
      .replace(/agt_abc123/g, asker.agentId ?? "agt_abc123")
      .replace(/acme\/api#42/g, `${REPO}#1`)
      .replace(/acme\/api/g, REPO);
  // Terminating comes last: the other commands still find the standing workflow and agents.
  const lines = COMMANDS.flatMap((spec) => [
    ...spec.examples.map((e) => ({ name: spec.name, text: fill(e) })),
    { name: spec.name, text: spec.path.join(" ") },
  ]);
  const last = (l: { name: string }) => /terminate/.test(l.name);
  return [
    ...lines.filter((l) => !last(l)),
    ...HELP_TOPICS.map((t) => ({ name: "help", text: `help ${t}` })),
    ...lines.filter(last),
  ];
}

describe("every reply, Slack and Discord, admin or not", () => {
  it("never says a working feature does not exist, shows no repository path, and on Discord uses Discord syntax", async () => {
    const found: Finding[] = [];
    let replies = 0;
    for (const asker of await askers()) {
      const platform = asker.ctx.place.platform;
      for (const { text } of commandLines(asker)) {
        const reply = await run(text, asker.ctx);
        replies++;
        found.push(...findings(`${asker.label}: /foreman ${text}`, rendered(reply, platform), platform));
      }
    }
    for (const rule of ALERT_RULES) {
      const incident: Incident = {
        rule,
        seq: 1,
        status: "resolved",
        threshold: 5,
        openedValue: 6,
        lastValue: 2,
        peak: 9,
        openedAtMs: Date.now() - 600_000,
        resolvedAtMs: Date.now(),
      };
      for (const platform of ["slack", "discord"] as const) {
        for (const reply of [
          alertOpened("acme", incident, 3_600_000),
          alertResolved("acme", incident, 3_600_000),
        ]) {
          replies++;
          found.push(...findings(`alert ${rule} (${platform})`, rendered(reply, platform), platform));
        }
      }
    }
    expect(replies).toBeGreaterThan(400);
    expect(found).toEqual([]);
  });

  it("the checks catch what they are for", () => {
    const bad = (text: string, platform: "slack" | "discord" = "slack") =>
      findings("probe", text, platform).map((f) => f.problem);
    expect(
      bad("Overdue reviews are flagged once review tracking arrives (not in this version yet)."),
    ).toEqual(['says "not in this version"']);
    expect(bad("Review assignment (coming in a later version) skips people")).toEqual([
      'says "in a later version"',
      'says "later version"',
    ]);
    expect(bad("Reminders: not yet.")).toEqual(['says "not yet"']);
    expect(bad("Linked (see docs/webhooks.md).")).toEqual(["shows the path docs/webhooks.md"]);
    expect(bad("runbook: operations.md")).toEqual(["shows the path operations.md"]);
    expect(bad("defined in src/commands/grammar.ts")).toHaveLength(1);
    expect(bad("see https://github.com/acme/api/pull/7 and `acme/api#7`")).toEqual([]);
    expect(bad("You are not on the team yet: `/foreman team add @you github:x`", "discord")).toEqual([
      "Slack syntax on Discord",
    ]);
    expect(bad("Stop it: `/foreman digest filter --reset`", "discord")).toEqual(["Slack syntax on Discord"]);
    expect(
      bad("`/foreman team add user:@you github:x` and `/foreman ooo until:2026-12-24`", "discord"),
    ).toEqual([]);
    expect(bad("Linked (see docs/webhooks.md).", "slack")).toEqual(["shows the path docs/webhooks.md"]);
  });
});
