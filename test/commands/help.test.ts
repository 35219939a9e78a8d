import { describe, expect, it } from "vitest";
import { COMMANDS, TOP_WORDS } from "../../src/commands/grammar";
import { helpText, usageFor } from "../../src/commands/help";
import { parseCommand } from "../../src/commands/parse";
import { commandSchema } from "../../src/commands/types";

describe("usage lines (the grammar as users see it)", () => {
  it("matches the documented grammar", () => {
    expect(COMMANDS.map((c) => c.usage)).toEqual([
      "/foreman help [topic]",
      "/foreman status [workflow-id]",
      "/foreman setup",
      "/foreman dashboard",
      "/foreman workflow create <name> [--priority low|medium|high|critical]",
      "/foreman workflow list",
      "/foreman workflow terminate <id>",
      "/foreman agent spawn <type> [--workflow <id>]",
      "/foreman agent list",
      "/foreman agent pause <id>",
      "/foreman agent resume <id>",
      "/foreman agent terminate <id>",
      "/foreman team add <@user> github:<login> [--tz <IANA zone>] [--lead]",
      "/foreman team remove <@user>",
      "/foreman team list",
      "/foreman team holiday YYYY-MM-DD[..YYYY-MM-DD]|clear",
      "/foreman team import github:<org/team>",
      "/foreman me",
      "/foreman me notify immediate|batched|digest|default [--at <HH:MM,HH:MM>] [--cap <N>]",
      "/foreman me focus add|clear [days] [HH:MM-HH:MM]",
      "/foreman me holiday YYYY-MM-DD[..YYYY-MM-DD]|clear",
      "/foreman me hours <days> <HH:MM-HH:MM>",
      "/foreman me zone <IANA zone>",
      "/foreman settings notify-default immediate|batched|digest [--at <HH:MM,HH:MM>] [--cap <N>]",
      "/foreman ooo [@user] [from YYYY-MM-DD] [until YYYY-MM-DD]",
      "/foreman back [@user]",
      "/foreman link github [owner/repo]",
      "/foreman link linear <TEAM-KEY>",
      "/foreman unlink github <owner/repo>",
      "/foreman unlink linear <TEAM-KEY>",
      "/foreman link ops",
      "/foreman unlink ops",
      "/foreman links",
      "/foreman review list [--page <N>]",
      "/foreman review mine",
      "/foreman review assign <owner/repo#number>",
      "/foreman insights [owner/repo]",
      "/foreman policy list",
      "/foreman policy explain <owner/repo#number>",
      "/foreman policy promote <experiment-id>",
      "/foreman sla set <hours> [--repo <owner/repo>] [--label <name>]",
      "/foreman sla show",
      "/foreman digest now",
      "/foreman digest schedule <HH:MM> [IANA zone] [mon-fri|daily|mon,wed,fri]",
      "/foreman digest off",
      "/foreman digest filter [--drafts include|ignore] [--approvals N|off] [--min-age hours|off] [--labels a,b|off] [--ignore-labels a,b|off] [--empty post|skip] [--reset]",
    ]);
    expect(usageFor("team.add")).toBe("/foreman team add <@user> github:<login> [--tz <IANA zone>] [--lead]");
  });
});

describe("the spec", () => {
  it("has one entry per member of the Command union, with the same fields", () => {
    const members = commandSchema.options.map((o) => o.shape.name.value);
    expect(COMMANDS.map((c) => c.name)).toEqual(members);
    for (const member of commandSchema.options) {
      const spec = COMMANDS.find((c) => c.name === member.shape.name.value);
      const fields = Object.keys(member.shape).filter((k) => k !== "name");
      expect(spec?.args.map((a) => a.key).sort(), member.shape.name.value).toEqual(fields.sort());
    }
  });

  it("descriptions fit Discord (<= 100 chars); examples parse to their command", () => {
    for (const spec of COMMANDS) {
      expect(spec.description.length, spec.name).toBeLessThanOrEqual(100);
      expect(spec.examples.length, spec.name).toBeGreaterThan(0);
      for (const example of spec.examples) {
        const text = example.replace(/@(\w+)/g, "<@U024BE7LH|$1>");
        const result = parseCommand(text);
        expect(result, example).toMatchObject({ ok: true, command: { name: spec.name } });
      }
    }
  });

  it("marks the commands that change settings or state", () => {
    const readOnly = COMMANDS.filter((c) => !c.mutates).map((c) => c.name);
    expect(readOnly).toEqual([
      "help",
      "status",
      "setup",
      "dashboard",
      "workflow.list",
      "agent.list",
      "team.list",
      "me.show",
      "links",
      "review.list",
      "review.mine",
      "insights",
      "policy.list",
      "policy.explain",
      "sla.show",
      "digest.now",
    ]);
  });
});

describe("helpText", () => {
  it("overview: every command once, grouped in sections, with admin marks", () => {
    const help = helpText();
    expect(help.title).toBe("Foreman commands");
    const lines = help.sections.flatMap((s) => s.lines);
    expect(lines.map((l) => l.usage).sort()).toEqual(COMMANDS.map((c) => c.usage).sort());
    // What a team uses daily first, then settings, workflows and agents last.
    expect(help.sections.map((s) => s.title)).toEqual([
      "Reviews",
      "You",
      "Team",
      "Out of office",
      "Digest",
      "Review SLA",
      "Links",
      "Status and help",
      "Workflows",
      "Agents",
    ]);
    for (const line of lines) {
      const spec = COMMANDS.find((c) => c.usage === line.usage);
      expect(line).toStrictEqual({
        usage: spec?.usage,
        description: spec?.description,
        adminOnly: spec?.mutates && !spec.selfService,
      });
    }
    expect(help.sections.every((s) => s.examples.length === 0)).toBe(true);
    expect(help.footer).toContain(TOP_WORDS.join(", "));
  });

  it("a topic shows its section with examples", () => {
    const team = helpText("team");
    expect(team.title).toBe("Foreman: Team");
    expect(team.sections).toHaveLength(1);
    expect(team.sections[0]?.lines.map((l) => l.usage)).toEqual([
      "/foreman team add <@user> github:<login> [--tz <IANA zone>] [--lead]",
      "/foreman team remove <@user>",
      "/foreman team list",
      "/foreman team holiday YYYY-MM-DD[..YYYY-MM-DD]|clear",
      "/foreman team import github:<org/team>",
      "/foreman settings notify-default immediate|batched|digest [--at <HH:MM,HH:MM>] [--cap <N>]",
    ]);
    expect(team.sections[0]?.examples).toContain(
      "/foreman team add @alice github:alice --tz Europe/Berlin --lead",
    );
    expect(helpText("LINK").sections[0]?.lines).toHaveLength(7);
    expect(helpText("back").title).toBe("Foreman: Out of office");
    expect(helpText("settings").title).toBe("Foreman: Team");
  });

  it("help me: one's own page and notifications, open to everyone, with examples", () => {
    const me = helpText("me");
    expect(me.title).toBe("Foreman: You");
    expect(me.sections).toHaveLength(1);
    expect(me.sections[0]?.lines.map((l) => [l.usage, l.adminOnly])).toEqual([
      ["/foreman me", false],
      ["/foreman me notify immediate|batched|digest|default [--at <HH:MM,HH:MM>] [--cap <N>]", false],
      ["/foreman me focus add|clear [days] [HH:MM-HH:MM]", false],
      ["/foreman me holiday YYYY-MM-DD[..YYYY-MM-DD]|clear", false],
      ["/foreman me hours <days> <HH:MM-HH:MM>", false],
      ["/foreman me zone <IANA zone>", false],
    ]);
    expect(me.sections[0]?.examples).toContain("/foreman me focus add tue,thu 09:00-12:00");
    expect(me.sections[0]?.examples).toContain("/foreman me hours mon-fri 08:00-16:00");
    expect(me.sections[0]?.examples).toContain("/foreman me zone Europe/Berlin");
    expect(helpText("me notify").sections[0]?.lines).toHaveLength(1);
    const lines = helpText().sections.flatMap((s) => s.lines);
    expect(lines.find((l) => l.usage.startsWith("/foreman team holiday"))?.adminOnly).toBe(true);
    expect(lines.find((l) => l.usage.startsWith("/foreman settings notify-default"))?.adminOnly).toBe(true);
  });

  it("ooo and back are not marked admin: anyone may mark themselves", () => {
    const lines = helpText().sections.flatMap((s) => s.lines);
    const line = (usage: string) => lines.find((l) => l.usage.startsWith(usage));
    expect(line("/foreman ooo")?.adminOnly).toBe(false);
    expect(line("/foreman back")?.adminOnly).toBe(false);
    expect(line("/foreman team add")?.adminOnly).toBe(true);
    expect(COMMANDS.filter((c) => c.selfService).map((c) => c.name)).toEqual([
      "me.notify",
      "me.focus",
      "me.holiday",
      "me.hours",
      "me.zone",
      "ooo",
      "back",
    ]);
  });

  it("topics follow the help order", () => {
    expect(TOP_WORDS.slice(0, 8)).toEqual([
      "review",
      "insights",
      "policy",
      "me",
      "team",
      "settings",
      "ooo",
      "back",
    ]);
    expect(TOP_WORDS.slice(-2)).toEqual(["workflow", "agent"]);
    expect([...TOP_WORDS].sort()).toEqual([...new Set(COMMANDS.map((c) => c.path[0]))].sort());
  });

  it("a two-word topic shows one command", () => {
    const help = helpText("digest schedule");
    expect(help.title).toBe("Foreman: digest schedule");
    expect(help.intro).toMatch(/Admin-only/);
    expect(help.sections[0]?.lines).toHaveLength(1);
    expect(help.sections[0]?.examples.length).toBeGreaterThan(0);
  });

  it("an unknown topic falls back to the overview and says so", () => {
    const help = helpText("nope");
    expect(help.intro).toMatch(/No help topic "nope"/);
    expect(help.sections.length).toBe(helpText().sections.length);
  });
});
