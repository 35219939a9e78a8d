import { describe, expect, it } from "vitest";
import { unmarked, userRef } from "../../src/chat/markup";
import { discordUserFromId, formatMention, parseMention } from "../../src/commands/mentions";

describe("parseMention", () => {
  it.each([
    ["<@U024BE7LH|alice>", { platform: "slack", id: "U024BE7LH", name: "alice" }],
    ["<@U024BE7LH>", { platform: "slack", id: "U024BE7LH" }],
    ["<@U024BE7LH|>", { platform: "slack", id: "U024BE7LH" }],
    ["<@W0123ABCD|bob.smith>", { platform: "slack", id: "W0123ABCD", name: "bob.smith" }],
    ["<@123456789012345678>", { platform: "discord", id: "123456789012345678" }],
    ["<@!123456789012345678>", { platform: "discord", id: "123456789012345678" }],
    ["  <@80351110224678912>  ", { platform: "discord", id: "80351110224678912" }],
  ])("%s", (token, user) => {
    expect(parseMention(token)).toStrictEqual({ ok: true, user });
  });

  it.each([
    ["@alice", /"@alice" is plain text, not a mention: type @ and pick the person from the autocomplete/],
    ["alice", /expected a user mention, got "alice": .*autocomplete/],
    ["", /expected a user mention/],
    ["<@&123456789012345678>", /mentions a group or role, not a person/],
    ["<!subteam^S0123|devs>", /mentions a group or role/],
    ["<!here>", /broadcast mention/],
    ["@channel", /broadcast mention/],
    ["<#C024BE7LH|general>", /is a channel, not a person/],
    ["<@C024BE7LH>", /not a Slack user mention \(ids start with U or W\)/],
    ["<@12345>", /not a valid Discord user id/],
  ])("rejects %j", (token, error) => {
    const result = parseMention(token);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it("builds Discord users from option ids and formats mentions back", () => {
    expect(discordUserFromId("123456789012345678")).toStrictEqual({
      ok: true,
      user: { platform: "discord", id: "123456789012345678" },
    });
    expect(discordUserFromId("abc").ok).toBe(false);
    expect(formatMention({ platform: "slack", id: "U024BE7LH", name: "alice" })).toBe(userRef("U024BE7LH"));
    expect(unmarked(formatMention({ platform: "discord", id: "123456789012345678" }))).toBe(
      "<@123456789012345678>",
    );
  });
});
