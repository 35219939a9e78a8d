import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/commands/grammar";
import { closest, parseCommand, tokenize } from "../../src/commands/parse";
import type { ParseResult } from "../../src/commands/types";
import { CASES } from "./cases";

function ok(text: string) {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error}`);
  return result.command;
}

function err(text: string): Extract<ParseResult, { ok: false }> {
  const result = parseCommand(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.command)}`);
  return result;
}

describe("parseCommand: every subcommand", () => {
  it.each(CASES)("$text", (c) => {
    expect(parseCommand(c.text)).toStrictEqual({ ok: true, command: c.command });
  });

  it("the cases cover every command of the grammar", () => {
    expect(new Set(CASES.map((c) => c.command.name))).toEqual(new Set(COMMANDS.map((c) => c.name)));
  });

  it("empty text (and blank text) is help", () => {
    expect(ok("")).toStrictEqual({ name: "help" });
    expect(ok("   \n ")).toStrictEqual({ name: "help" });
  });

  it("subcommand words are case-insensitive; a leading /foreman is ignored", () => {
    expect(ok("WORKFLOW List")).toStrictEqual({ name: "workflow.list" });
    expect(ok("/foreman Digest NOW")).toStrictEqual({ name: "digest.now" });
  });

  it("normalises values", () => {
    expect(ok("agent spawn REVIEW_MANAGER")).toStrictEqual({
      name: "agent.spawn",
      agentType: "review-manager",
    });
    expect(ok("workflow create x --priority=CRITICAL")).toMatchObject({ priority: "critical" });
    expect(ok("team add <@U024BE7LH|alice> alice --tz=america/new_york")).toStrictEqual({
      name: "team.add",
      user: { platform: "slack", id: "U024BE7LH", name: "alice" },
      github: "alice",
      tz: "America/New_York",
      lead: false,
    });
    expect(ok("team add <@U024BE7LH> github: octo-cat --lead")).toMatchObject({
      github: "octo-cat",
      lead: true,
    });
    expect(ok("ooo <@U024BE7LH> 2028-02-29")).toMatchObject({ until: "2028-02-29" });
    // For oneself: the person left out, or `me`.
    expect(ok("ooo")).toStrictEqual({ name: "ooo" });
    expect(ok("ooo me")).toStrictEqual({ name: "ooo" });
    expect(ok("ooo until 2026-12-10")).toStrictEqual({ name: "ooo", until: "2026-12-10" });
    expect(ok("ooo ME until 2026-12-10")).toStrictEqual({ name: "ooo", until: "2026-12-10" });
    expect(ok("ooo 2026-12-10")).toStrictEqual({ name: "ooo", until: "2026-12-10" });
    // `from` is taken only after its marker; a bare date after it is still the last day.
    expect(ok("ooo me FROM 2027-01-11 2027-01-15")).toStrictEqual({
      name: "ooo",
      from: "2027-01-11",
      until: "2027-01-15",
    });
    expect(ok("ooo <@U024BE7LH> from 2027-01-11")).toStrictEqual({
      name: "ooo",
      user: { platform: "slack", id: "U024BE7LH" },
      from: "2027-01-11",
    });
    expect(ok("back")).toStrictEqual({ name: "back" });
    expect(ok("back me")).toStrictEqual({ name: "back" });
    expect(ok("link github https://github.com/acme/api.git")).toMatchObject({ repo: "acme/api" });
    expect(ok("link github <https://github.com/acme/web|acme/web>")).toMatchObject({ repo: "acme/web" });
    expect(ok("review assign https://github.com/acme/api/pull/7")).toMatchObject({
      pr: { repo: "acme/api", number: 7 },
    });
    expect(ok("sla set 48h")).toStrictEqual({ name: "sla.set", hours: 48 });
    expect(ok("digest schedule 07:05 fri-mon")).toMatchObject({ days: ["mon", "fri", "sat", "sun"] });
    expect(ok("digest schedule 07:05 Asia/Tokyo mon, Wednesday, fri")).toMatchObject({
      tz: "Asia/Tokyo",
      days: ["mon", "wed", "fri"],
    });
    expect(ok("digest schedule 07:05 weekends")).toMatchObject({ days: ["sat", "sun"] });
    expect(ok("help TEAM   add")).toStrictEqual({ name: "help", topic: "team add" });
  });

  it("--help after a command asks for help on it", () => {
    expect(ok("team add --help")).toStrictEqual({ name: "help", topic: "team add" });
    expect(ok("digest --help")).toStrictEqual({ name: "help", topic: "digest" });
  });

  it("accepts --flag value, --flag=value and dashes that autocorrect made long", () => {
    const expected = { name: "sla.set", hours: 4, repo: "acme/api", label: "p1" };
    expect(ok("sla set 4 --repo acme/api --label p1")).toStrictEqual(expected);
    expect(ok("sla set --label=p1 4 --repo=acme/api")).toStrictEqual(expected);
    expect(ok("sla set 4 \u2014repo acme/api \u2013label p1")).toStrictEqual(expected);
  });
});

describe("quotes and tokens", () => {
  it("keeps quoted words together, straight or curly", () => {
    expect(ok('workflow create "release train"')).toMatchObject({ workflowName: "release train" });
    expect(ok("workflow create \u201crelease train\u201d")).toMatchObject({ workflowName: "release train" });
    expect(ok('workflow create "say \\"hi\\" twice"')).toMatchObject({ workflowName: 'say "hi" twice' });
    expect(ok('sla set 2 --label="needs review"')).toMatchObject({ label: "needs review" });
    expect(ok('workflow create "bob\'s fix"')).toMatchObject({ workflowName: "bob's fix" });
  });

  it("decodes Slack's &amp; &lt; &gt; escapes in free text", () => {
    expect(ok('workflow create "R&amp;D &lt;2&gt;"')).toMatchObject({ workflowName: "R&D <2>" });
  });

  it("tokenize reports positions and quoting", () => {
    expect(tokenize(' a  "b c" --d=e ')).toEqual({
      ok: true,
      tokens: [
        { value: "a", start: 1, end: 2, quoted: false },
        { value: "b c", start: 4, end: 9, quoted: true },
        { value: "--d=e", start: 10, end: 15, quoted: false },
      ],
    });
  });

  it("an unterminated quote is an error", () => {
    expect(err('workflow create "release train').error).toMatch(/Unterminated quote/);
  });

  it("a quoted --word is a value, not a flag", () => {
    expect(err('workflow create x "--priority" high').error).toMatch(/Unexpected/);
  });

  it("unquoted names with spaces get a quoting hint and a suggestion", () => {
    const e = err("workflow create release train --priority high");
    expect(e.error).toMatch(/quotes/);
    expect(e.suggestion).toBe('/foreman workflow create "release train" --priority high');
    expect(parseCommand(e.suggestion ?? "").ok).toBe(true);
  });
});

describe("errors name the problem and give the usage", () => {
  it("unknown command, with a did-you-mean suggestion", () => {
    const e = err("statsu wf_abc123");
    expect(e.error).toBe('Unknown command "statsu"');
    expect(e.suggestion).toBe("/foreman status wf_abc123");
    expect(e.usage).toMatch(
      /^\/foreman <review\|insights\|policy\|me\|team\|settings\|ooo\|back\|digest\|sla/,
    );
    expect(err("wrokflow list").suggestion).toBe("/foreman workflow list");
    expect(err("spawn linear-state").suggestion).toBe("/foreman agent spawn linear-state");
    expect(err("xyzzy").suggestion).toBeUndefined();
  });

  it("unknown or missing subcommand", () => {
    const e = err("workflow craete deploy");
    expect(e.error).toBe('Unknown workflow subcommand "craete": use create, list, terminate');
    expect(e.suggestion).toBe("/foreman workflow create deploy");
    expect(e.usage.split("\n")).toHaveLength(3);
    expect(err("team ad <@U024BE7LH> x").suggestion).toBe("/foreman team add <@U024BE7LH> x");
    expect(err("digest").error).toBe('"digest" needs a subcommand: now, schedule, off, filter');
  });

  it.each([
    [
      "workflow create",
      /Missing <name>/,
      "/foreman workflow create <name> [--priority low|medium|high|critical]",
    ],
    ["workflow terminate", /Missing <id>/, "/foreman workflow terminate <id>"],
    ["agent spawn", /Missing <type>/, "/foreman agent spawn <type> [--workflow <id>]"],
    ["agent pause", /Missing <id>/, "/foreman agent pause <id>"],
    [
      "team add <@U024BE7LH>",
      /Missing github:<login>/,
      "/foreman team add <@user> github:<login> [--tz <IANA zone>] [--lead]",
    ],
    ["team remove", /Missing <@user>/, "/foreman team remove <@user>"],
    [
      "ooo <@U024BE7LH> until",
      /"until" needs a value/,
      "/foreman ooo [@user] [from YYYY-MM-DD] [until YYYY-MM-DD]",
    ],
    ["ooo until", /"until" needs a value/, "/foreman ooo [@user] [from YYYY-MM-DD] [until YYYY-MM-DD]"],
    ["ooo from", /"from" needs a value/, "/foreman ooo [@user] [from YYYY-MM-DD] [until YYYY-MM-DD]"],
    ["team import", /Missing github:<org\/team>/, "/foreman team import github:<org/team>"],
    ["unlink linear", /Missing <TEAM-KEY>/, "/foreman unlink linear <TEAM-KEY>"],
    ["review assign", /Missing <owner\/repo#number>/, "/foreman review assign <owner/repo#number>"],
    ["sla set", /Missing <hours>/, "/foreman sla set <hours> [--repo <owner/repo>] [--label <name>]"],
    [
      "digest schedule",
      /Missing <HH:MM>/,
      "/foreman digest schedule <HH:MM> [IANA zone] [mon-fri|daily|mon,wed,fri]",
    ],
  ])("missing argument: %s", (text, error, usage) => {
    const e = err(text);
    expect(e.error).toMatch(error);
    expect(e.usage).toBe(usage);
  });

  it.each([
    ["digest schedule 09:00 Mars/Olympus", /Invalid time zone "Mars\/Olympus": use an IANA time zone/],
    ["digest schedule 09:00 +05:00", /Invalid time zone "\+05:00"/],
    ["team add <@U024BE7LH> x --tz Berlin", /Invalid time zone "Berlin"/],
    ["ooo <@U024BE7LH> until 2026-02-30", /Invalid date "2026-02-30": that date does not exist/],
    ["ooo <@U024BE7LH> until 2026-13-01", /Invalid date "2026-13-01"/],
    ["ooo <@U024BE7LH> until 24/12/2026", /Invalid date "24\/12\/2026": use YYYY-MM-DD/],
    ["ooo from 2027-02-30 until 2027-03-02", /Invalid date "2027-02-30": that date does not exist/],
    ["ooo from next-monday", /Invalid date "next-monday": use YYYY-MM-DD/],
    ["ooo until 2027-01-15 from 2027-01-11", /Unexpected argument "from"/],
    ["digest schedule 24:00", /Invalid time "24:00": use 24-hour HH:MM/],
    ["digest schedule 9.30", /Invalid time "9.30"/],
    ["digest schedule 09:60", /Invalid time "09:60"/],
    ["link github acme", /Invalid repository "acme": use owner\/repo/],
    [
      "link github -acme/api",
      /Invalid repository "-acme\/api": "-acme" is not a valid GitHub user or organisation/,
    ],
    ["link github acme/..", /Invalid repository "acme\/..": ".." is not a valid repository name/],
    ["link github acme/api/extra", /Invalid repository/],
    ["review assign acme/api", /Invalid pull request "acme\/api": use owner\/repo#number/],
    ["review assign acme/api#0", /Invalid pull request "acme\/api#0"/],
    [
      "link linear 1ENG",
      /Invalid Linear team key "1ENG": team keys are 1-7 letters or digits starting with a letter/,
    ],
    ["link linear ENGINEER", /Invalid Linear team key "ENGINEER"/],
    ["link linear EN-G", /Invalid Linear team key "EN-G"/],
    ["sla set 0", /Invalid number of hours "0": it must be more than 0/],
    ["sla set 721", /Invalid number of hours "721": it must be at most 720/],
    ["sla set -5", /Invalid number of hours "-5"/],
    ["sla set soon", /Invalid number of hours "soon": use a number of hours/],
    ["team add <@U024BE7LH> github:-bob", /Invalid GitHub login "-bob"/],
    ["team add <@U024BE7LH> github:bob-", /Invalid GitHub login "bob-"/],
    ["team add <@U024BE7LH> github:bo--b", /Invalid GitHub login "bo--b"/],
    ["team add <@U024BE7LH> github:bad_name", /Invalid GitHub login "bad_name"/],
    [`team add <@U024BE7LH> github:${"a".repeat(40)}`, /Invalid GitHub login/],
    [
      "workflow create x --priority urgent",
      /Invalid priority "urgent": use one of low, medium, high, critical/,
    ],
    [
      "agent spawn reviewer",
      /Invalid agent type "reviewer": use one of integration-dashboard, review-manager/,
    ],
    ["workflow terminate abc", /Invalid workflow id "abc": workflow ids look like wf_/],
    ["agent pause wf_abc", /Invalid agent id "wf_abc": agent ids look like agt_/],
    ["digest schedule 09:00 UTC mon,wed,fry", /Invalid days "mon,wed,fry": unknown day "fry"/],
    ['workflow create ""', /Invalid name "": it is empty/],
    [`workflow create ${"x".repeat(101)}`, /it is longer than 100 characters/],
    [`sla set 1 --label ${"x".repeat(51)}`, /Invalid label .*longer than 50/],
    [
      "help nonsense",
      /Invalid help topic "nonsense": topics are review, insights, policy, me, team, settings, ooo/,
    ],
  ])("bad value: %s", (text, error) => {
    expect(err(text).error).toMatch(error);
  });

  it("suggests the nearest choice for a mistyped value", () => {
    expect(err("workflow create x --priority hgih").suggestion).toBe(
      "/foreman workflow create x --priority high",
    );
    expect(err("workflow create x --priority=hihg").suggestion).toBe(
      "/foreman workflow create x --priority=high",
    );
    expect(err("agent spawn review-manger").suggestion).toBe("/foreman agent spawn review-manager");
    expect(err("help tema").suggestion).toBe("/foreman help team");
  });

  it("flags: unknown (with suggestion), missing value, repeated, on commands without options", () => {
    const unknown = err("team add <@U024BE7LH> x --leed");
    expect(unknown.error).toBe("Unknown option --leed for team add: options are --tz, --lead");
    expect(unknown.suggestion).toBe("/foreman team add <@U024BE7LH> x --lead");
    expect(err("workflow create x --priority").error).toMatch(
      /--priority needs a value: \[--priority low\|medium/,
    );
    expect(err("sla set 1 --repo a/b --repo c/d").error).toBe("--repo is given more than once");
    expect(err("workflow list --all").error).toBe(
      "Unknown option --all for workflow list: it takes no options",
    );
  });

  it("extra arguments", () => {
    expect(err("workflow list everything").error).toBe('Unexpected argument "everything"');
    expect(err("digest schedule 09:00 UTC daily extra").error).toMatch(/Invalid days/);
  });

  it("mention errors explain how to mention", () => {
    expect(err("team remove @alice").error).toMatch(/"@alice" is plain text, not a mention: .*autocomplete/);
    expect(err("back alice").error).toMatch(/^Expected a user mention, got "alice"/);
    expect(err("ooo <#C024BE7LH|general>").error).toMatch(/is a channel, not a person/);
  });
});

describe("robustness", () => {
  it("never throws, whatever the input", () => {
    const alphabet = [
      '"',
      "\u201c",
      "-",
      "=",
      "<",
      ">",
      "@",
      "#",
      "|",
      " ",
      "a",
      "Z",
      "9",
      ":",
      "/",
      ",",
      "\\",
      "\n",
    ];
    const words = [
      "team",
      "add",
      "digest",
      "schedule",
      "--tz",
      "--lead",
      "sla",
      "set",
      "ooo",
      "help",
      "until",
    ];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 1500; i++) {
      let text = "";
      for (let j = rand(12); j > 0; j--) {
        text += rand(3) === 0 ? `${words[rand(words.length)]} ` : alphabet[rand(alphabet.length)];
      }
      const result = parseCommand(text);
      expect(typeof result.ok).toBe("boolean");
      if (!result.ok) expect(result.usage.length).toBeGreaterThan(0);
    }
    expect(parseCommand(undefined as unknown as string)).toStrictEqual({
      ok: true,
      command: { name: "help" },
    });
  });

  it("closest: small edits and unique prefixes only", () => {
    expect(closest("stauts", ["status", "help"])).toBe("status");
    expect(closest("wor", ["workflow", "agent"])).toBe("workflow");
    expect(closest("li", ["link", "links", "list"])).toBeUndefined();
    expect(closest("banana", ["status", "help"])).toBeUndefined();
  });
});
