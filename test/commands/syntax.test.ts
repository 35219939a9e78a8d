/** Command lines in replies follow the platform: Discord shows named options (`user:@you`). */
import { describe, expect, it } from "vitest";
import { HINTS, type Hint } from "../../src/chat/hints";
import { reply } from "../../src/chat/reply";
import { COMMANDS } from "../../src/commands/grammar";
import { discordCommandLine, discordText, forPlatform } from "../../src/commands/syntax";

describe("discordCommandLine", () => {
  it.each([
    ["/foreman team add @you github:your-login", "/foreman team add user:@you github:your-login"],
    [
      "/foreman team add @alice github:alice --tz Europe/Berlin --lead",
      "/foreman team add user:@alice github:alice tz:Europe/Berlin lead:True",
    ],
    ["/foreman ooo until 2026-12-24", "/foreman ooo until:2026-12-24"],
    ["/foreman ooo @alice until 2026-12-24", "/foreman ooo user:@alice until:2026-12-24"],
    ["/foreman ooo", "/foreman ooo"],
    ["/foreman ooo from 2027-01-11 until 2027-01-15", "/foreman ooo from:2027-01-11 until:2027-01-15"],
    [
      "/foreman ooo @alice from 2027-01-11 until 2027-01-15",
      "/foreman ooo user:@alice from:2027-01-11 until:2027-01-15",
    ],
    ["/foreman ooo from 2027-01-11", "/foreman ooo from:2027-01-11"],
    ["/foreman back <@123456789012345678>", "/foreman back user:<@123456789012345678>"],
    [
      '/foreman workflow create "release train" --priority high',
      "/foreman workflow create name:release train priority:high",
    ],
    [
      "/foreman sla set 4 --repo acme/api --label hotfix",
      "/foreman sla set hours:4 repo:acme/api label:hotfix",
    ],
    ["/foreman digest schedule 09:30 Europe/Berlin", "/foreman digest schedule time:09:30 tz:Europe/Berlin"],
    [
      "/foreman digest schedule 16:00 UTC mon,wed,fri",
      "/foreman digest schedule time:16:00 tz:UTC days-list:mon,wed,fri",
    ],
    ["/foreman digest schedule 09:30 daily", "/foreman digest schedule time:09:30 days:daily"],
    ["/foreman digest filter --empty post", "/foreman digest filter empty:post"],
    ["/foreman digest filter --reset", "/foreman digest filter reset:True"],
    ["/foreman review assign acme/api#42", "/foreman review assign pr:acme/api#42"],
    ["/foreman link github owner/repo", "/foreman link github repo:owner/repo"],
    ["/foreman agent spawn <type> --workflow <id>", "/foreman agent spawn type:<type> workflow:<id>"],
    ["/foreman status <workflow-id>", "/foreman status workflow:<workflow-id>"],
    ["/foreman help <topic>", "/foreman help topic:<topic>"],
    ["/foreman review mine", "/foreman review mine"],
    ["/foreman team add", "/foreman team add"],
    // Discord cannot have `me` as a subcommand and a group: the bare word is `me show` there.
    ["/foreman me", "/foreman me show"],
    ["/foreman me show", "/foreman me show"],
    [
      "/foreman me notify batched --at 09:30,13:30 --cap 4",
      "/foreman me notify mode:batched at:09:30,13:30 cap:4",
    ],
    [
      "/foreman me focus add tue,thu 09:00-12:00",
      "/foreman me focus action:add days-list:tue,thu hours:09:00-12:00",
    ],
    [
      "/foreman me focus add mon-fri 14:00-16:00",
      "/foreman me focus action:add days:mon-fri hours:14:00-16:00",
    ],
    ["/foreman me focus clear", "/foreman me focus action:clear"],
    ["/foreman me holiday 2026-12-24..2026-12-31", "/foreman me holiday dates:2026-12-24..2026-12-31"],
    ["/foreman team holiday clear", "/foreman team holiday dates:clear"],
    [
      "/foreman settings notify-default digest --at 08:30",
      "/foreman settings notify-default mode:digest at:08:30",
    ],
  ])("%s", (slack, discord) => {
    expect(discordCommandLine(slack)).toBe(discord);
  });

  it("converts every usage line of the grammar (placeholders as name:<placeholder>)", () => {
    const usage = (name: string) => COMMANDS.find((c) => c.name === name)?.usage ?? "";
    expect(discordCommandLine(usage("team.add"))).toBe(
      "/foreman team add user:<@user> github:<login> [tz:<IANA zone>] [lead:True]",
    );
    expect(discordCommandLine(usage("ooo"))).toBe(
      "/foreman ooo [user:<@user>] [from:YYYY-MM-DD] [until:YYYY-MM-DD]",
    );
    expect(discordCommandLine(usage("digest.schedule"))).toBe(
      "/foreman digest schedule time:<HH:MM> [tz:<IANA zone>] [days:mon-fri|daily|mon,wed,fri]",
    );
    expect(discordCommandLine(usage("help"))).toBe("/foreman help [topic:<topic>]");
    expect(discordCommandLine(usage("me.show"))).toBe("/foreman me show");
    expect(discordCommandLine(usage("me.notify"))).toBe(
      "/foreman me notify mode:immediate|batched|digest|default [at:<HH:MM,HH:MM>] [cap:<N>]",
    );
    expect(discordCommandLine(usage("me.focus"))).toBe(
      "/foreman me focus action:add|clear [days:<days>] [hours:<HH:MM-HH:MM>]",
    );
    for (const spec of COMMANDS) {
      const converted = discordCommandLine(spec.usage);
      if (spec.args.length > 0) expect(converted, spec.usage).not.toBe(spec.usage);
      expect(converted, spec.usage).not.toMatch(/ --[a-z]/);
      for (const example of spec.examples)
        expect(discordCommandLine(example), example).not.toMatch(/ --[a-z]/);
    }
  });

  it("leaves what does not follow the grammar alone", () => {
    expect(discordCommandLine("/foreman frobnicate now")).toBe("/foreman frobnicate now");
    expect(discordCommandLine("/foreman team add @a github:a --colour red")).toBe(
      "/foreman team add @a github:a --colour red",
    );
    expect(discordCommandLine("/foreman review list extra")).toBe("/foreman review list extra");
  });
});

describe("forPlatform", () => {
  it("rewrites backticked command lines of every part of a Discord reply; Slack keeps them", () => {
    const hint = "Join: `/foreman team add @you github:your-login` then `/foreman review mine`.";
    const r = reply(hint, {
      title: "Your reviews",
      sections: [{ title: "Next", text: hint, lines: [hint], fields: [{ label: "Try", value: hint }] }],
      footer: hint,
    });
    expect(forPlatform(r, "slack")).toBe(r);
    const d = forPlatform(r, "discord");
    const want = "Join: `/foreman team add user:@you github:your-login` then `/foreman review mine`.";
    expect(d.text).toBe(want);
    expect(d.footer).toBe(want);
    expect(d.sections[0]).toEqual({
      title: "Next",
      text: want,
      lines: [want],
      fields: [{ label: "Try", value: want }],
    });
    expect(discordText("no command here, `code` only")).toBe("no command here, `code` only");
  });
});

describe("hints shown outside command replies (chat/hints.ts)", () => {
  it("each Discord form is what the grammar makes of the Slack form", () => {
    const hints: Hint[] = [HINTS.teamAddPerson, HINTS.teamAddLead, HINTS.reviewAssign("acme/api#42")];
    for (const h of hints) expect(discordCommandLine(h.slack)).toBe(h.discord);
  });
});
