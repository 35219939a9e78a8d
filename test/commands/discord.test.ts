import { describe, expect, it } from "vitest";
import manifest from "../../manifests/discord-commands.json";
import { AGENT_TYPES, PRIORITIES } from "../../src/agents/model";
import {
  commandFromDiscord,
  type DiscordCommandDefinition,
  type DiscordInteractionData,
  type DiscordOptionDefinition,
  discordCommandDefinitions,
} from "../../src/commands/discord";
import { parseCommand } from "../../src/commands/parse";
import { CASES, DISCORD_ID, discordData } from "./cases";

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

function error(data: DiscordInteractionData): string {
  const result = commandFromDiscord(data);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.command)}`);
  expect(result.usage.length).toBeGreaterThan(0);
  return result.error;
}

describe("commandFromDiscord gives the same command as the text parser", () => {
  it.each(CASES)("$text", (c) => {
    const fromText = parseCommand(c.text);
    const fromDiscord = commandFromDiscord(discordData(c.path, c.options));
    expect(fromDiscord).toStrictEqual({ ok: true, command: c.command });
    expect(fromDiscord).toStrictEqual(fromText);
  });

  it("Discord users match Slack users apart from platform, id and name", () => {
    const slack = parseCommand("team add <@U024BE7LH|alice> github:alice --lead");
    const discord = commandFromDiscord(
      discordData(["team", "add"], { user: DISCORD_ID, github: "alice", lead: true }),
    );
    expect(slack).toMatchObject({
      ok: true,
      command: { user: { platform: "slack", id: "U024BE7LH", name: "alice" } },
    });
    expect(discord).toMatchObject({ ok: true, command: { user: { platform: "discord", id: DISCORD_ID } } });
    if (!slack.ok || !discord.ok) throw new Error("unreachable");
    expect({ ...slack.command, user: null }).toStrictEqual({ ...discord.command, user: null });
  });

  it("validation errors are the text parser's", () => {
    const zone = discordData(["digest", "schedule"], { time: "09:00", tz: "Mars/Olympus" });
    const { suggestion: _, ...fromText } = parseCommand("digest schedule 09:00 Mars/Olympus") as {
      suggestion?: string;
    };
    expect(commandFromDiscord(zone)).toStrictEqual(fromText);
    expect(error(zone)).toMatch(/Invalid time zone "Mars\/Olympus"/);
    expect(error(discordData(["ooo"], { user: DISCORD_ID, until: "2026-02-30" }))).toMatch(/Invalid date/);
    expect(error(discordData(["sla", "set"], { hours: 0 }))).toMatch(/Invalid number of hours "0"/);
    expect(error(discordData(["link", "linear"], { team: "1ENG" }))).toMatch(/Invalid Linear team key/);
    expect(error(discordData(["team", "add"], { user: DISCORD_ID, github: "-x" }))).toMatch(
      /Invalid GitHub login/,
    );
    expect(error(discordData(["digest", "schedule"], { time: "9am" }))).toMatch(/Invalid time "9am"/);
  });

  it("errors for both days options, unknown options, missing options, bad users", () => {
    const both = discordData(["digest", "schedule"], { time: "09:00", days: "daily", "days-list": "mon" });
    expect(error(both)).toBe("Choose either days or days-list, not both");
    expect(error(discordData(["team", "list"], { all: true }))).toBe('Unknown option "all" for team list');
    expect(error(discordData(["team", "add"], { user: DISCORD_ID }))).toMatch(/Missing github:<login>/);
    expect(error(discordData(["back"], { user: "not-a-snowflake" }))).toMatch(/Invalid user id/);
  });

  it("errors for unknown commands and malformed data; never throws", () => {
    expect(error({ name: "other" })).toBe("Unknown command /other");
    expect(error(discordData(["team", "invite"]))).toMatch(
      /Unknown command \/foreman team invite: .*out of date/,
    );
    expect(error(discordData(["nope"]))).toMatch(/Unknown command \/foreman nope/);
    expect(error({ name: "foreman", options: "x" } as unknown as DiscordInteractionData)).toBe(
      "Malformed Discord command data",
    );
    expect(error(null as unknown as DiscordInteractionData)).toBe("Malformed Discord command data");
    expect(commandFromDiscord({ name: "foreman" })).toStrictEqual({ ok: true, command: { name: "help" } });
  });
});

describe("discordCommandDefinitions", () => {
  const defs = discordCommandDefinitions();
  const [root] = defs as [DiscordCommandDefinition];

  function walk(
    options: readonly DiscordOptionDefinition[],
    visit: (o: DiscordOptionDefinition) => void,
  ): void {
    for (const o of options) {
      visit(o);
      walk(o.options ?? [], visit);
    }
  }
  const all: DiscordOptionDefinition[] = [];
  walk(root.options, (o) => all.push(o));
  const find = (path: string) => {
    let level = root.options;
    let found: DiscordOptionDefinition | undefined;
    for (const name of path.split(" ")) {
      found = level.find((o) => o.name === name);
      level = found?.options ?? [];
    }
    if (!found) throw new Error(`no option ${path}`);
    return found;
  };

  it("is one chat-input command /foreman", () => {
    expect(defs).toHaveLength(1);
    expect(root).toMatchObject({ type: 1, name: "foreman" });
  });

  it("names, descriptions, option counts and choices are within Discord's limits", () => {
    for (const item of [root, ...all]) {
      expect(item.name, item.name).toMatch(NAME);
      expect(item.name).toBe(item.name.toLowerCase());
      expect(item.description.length, item.name).toBeGreaterThanOrEqual(1);
      expect(item.description.length, item.name).toBeLessThanOrEqual(100);
    }
    for (const o of [root, ...all]) {
      const children = o.options ?? [];
      expect(children.length, o.name).toBeLessThanOrEqual(25);
      expect(new Set(children.map((c) => c.name)).size, `${o.name}: duplicate names`).toBe(children.length);
    }
    for (const o of all.filter((x) => x.choices)) {
      expect(o.choices?.length).toBeLessThanOrEqual(25);
      for (const c of o.choices ?? []) {
        expect(c.name.length).toBeGreaterThanOrEqual(1);
        expect(c.name.length).toBeLessThanOrEqual(100);
        expect(c.value.length).toBeLessThanOrEqual(100);
      }
    }
    const chars = all.reduce(
      (n, o) =>
        n +
        o.name.length +
        o.description.length +
        (o.choices ?? []).reduce((m, c) => m + c.name.length + c.value.length, 0),
      root.name.length + root.description.length,
    );
    expect(chars).toBeLessThanOrEqual(8000);
  });

  it("nests groups (2) > subcommands (1) > value options, required before optional", () => {
    for (const top of root.options) {
      expect([1, 2]).toContain(top.type);
      const subs = top.type === 2 ? (top.options ?? []) : [top];
      for (const sub of subs) {
        expect(sub.type).toBe(1);
        const values = sub.options ?? [];
        for (const v of values) expect([3, 4, 5, 6, 10]).toContain(v.type);
        const firstOptional = values.findIndex((v) => !v.required);
        if (firstOptional >= 0)
          expect(
            values.slice(firstOptional).every((v) => !v.required),
            sub.name,
          ).toBe(true);
      }
    }
    expect(root.options.filter((o) => o.type === 2).map((o) => o.name)).toEqual([
      "review",
      "policy",
      "me",
      "team",
      "settings",
      "digest",
      "sla",
      "link",
      "unlink",
      "workflow",
      "agent",
    ]);
    expect(root.options.filter((o) => o.type === 1).map((o) => o.name)).toEqual([
      "insights",
      "ooo",
      "back",
      "links",
      "setup",
      "dashboard",
      "status",
      "help",
    ]);
  });

  it("types the options: choices, users, numbers, booleans", () => {
    const values = (o: DiscordOptionDefinition) => o.choices?.map((c) => c.value);
    expect(find("workflow create priority")).toMatchObject({ type: 3 });
    expect(values(find("workflow create priority"))).toEqual([...PRIORITIES]);
    expect(values(find("agent spawn type"))).toEqual([...AGENT_TYPES]);
    expect(find("agent spawn type").required).toBe(true);
    expect(values(find("digest schedule days"))).toEqual(["mon-fri", "daily"]);
    expect(find("digest schedule days-list")).toMatchObject({ type: 3 });
    expect(find("digest schedule days-list").choices).toBeUndefined();
    for (const path of ["team add user", "team remove user"]) {
      expect(find(path)).toMatchObject({ type: 6, required: true });
    }
    // Left out: the person running it.
    for (const path of ["ooo user", "back user"]) {
      expect(find(path)).toMatchObject({ type: 6 });
      expect(find(path).required).toBeUndefined();
    }
    expect(find("sla set hours")).toMatchObject({ type: 10, required: true, max_value: 720 });
    expect(find("team add lead")).toMatchObject({ type: 5 });
    expect(find("team add lead").required).toBeUndefined();
    expect(find("team add").options?.map((o) => o.name)).toEqual(["user", "github", "tz", "lead"]);
  });

  it("me is a group (show, notify, focus, holiday, hours, zone); team holiday and settings notify-default too", () => {
    const values = (o: DiscordOptionDefinition) => o.choices?.map((c) => c.value);
    expect(find("me").options?.map((o) => o.name)).toEqual([
      "show",
      "notify",
      "focus",
      "holiday",
      "hours",
      "zone",
    ]);
    expect(find("me show").options).toBeUndefined();
    expect(values(find("me notify mode"))).toEqual(["immediate", "batched", "digest", "default"]);
    expect(find("me notify mode").required).toBe(true);
    expect(find("me notify at")).toMatchObject({ type: 3 });
    expect(find("me notify cap")).toMatchObject({ type: 10, min_value: 1, max_value: 100 });
    expect(find("me focus").options?.map((o) => [o.name, o.required ?? false])).toEqual([
      ["action", true],
      ["days", false],
      ["days-list", false],
      ["hours", false],
    ]);
    expect(values(find("me focus action"))).toEqual(["add", "clear"]);
    expect(values(find("me focus days"))).toEqual(["mon-fri", "daily"]);
    expect(find("me holiday dates")).toMatchObject({ type: 3, required: true, max_length: 22 });
    // The days as a preset or as a list: Discord cannot require one of two, the mapping says which is missing.
    expect(find("me hours").options?.map((o) => [o.name, o.required ?? false])).toEqual([
      ["hours", true],
      ["days", false],
      ["days-list", false],
    ]);
    expect(values(find("me hours days"))).toEqual(["mon-fri", "daily"]);
    expect(find("me zone zone")).toMatchObject({ type: 3, required: true, max_length: 64 });
    expect(find("team holiday dates")).toMatchObject({ type: 3, required: true });
    expect(values(find("settings notify-default mode"))).toEqual(["immediate", "batched", "digest"]);
  });

  it("maps the me commands' errors like the text parser", () => {
    expect(error(discordData(["me", "notify"], { mode: "loud" }))).toMatch(/Invalid mode "loud"/);
    expect(error(discordData(["me", "notify"], { mode: "batched", cap: 0 }))).toMatch(
      /Invalid daily cap "0": it must be from 1 to 100/,
    );
    expect(error(discordData(["me", "focus"], { action: "add", days: "daily", "days-list": "mon" }))).toBe(
      "Choose either days or days-list, not both",
    );
    expect(error(discordData(["me", "holiday"], { dates: "2026-12-31..2026-12-24" }))).toMatch(
      /the range ends \(2026-12-24\) before it starts/,
    );
    expect(error(discordData(["me"]))).toMatch(/Unknown command \/foreman me/);
    expect(error(discordData(["me", "hours"], { hours: "09:00-17:00" }))).toMatch(
      /^Missing <days>: Your working days/,
    );
    expect(
      error(discordData(["me", "hours"], { days: "mon-fri", "days-list": "mon", hours: "09:00-17:00" })),
    ).toBe("Choose either days or days-list, not both");
    expect(error(discordData(["me", "hours"], { days: "daily", hours: "18:00-09:00" }))).toMatch(
      /Invalid time range "18:00-09:00": it must end after it starts/,
    );
    expect(error(discordData(["me", "zone"], { zone: "Mars/Olympus" }))).toMatch(
      /Invalid time zone "Mars\/Olympus"/,
    );
  });

  it("manifests/discord-commands.json is up to date (regenerate: npm run manifests)", () => {
    expect(manifest, "stale manifest: run npm run manifests").toEqual(defs);
  });
});
