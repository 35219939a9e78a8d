/**
 * renderDiscord: Foreman's markup becomes Discord markdown, every other character is escaped, limits
 * are never exceeded, overflow says "…and N more".
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeDiscord, mentionedUserIds, toDiscord } from "../../../src/chat/discord/escape";
import { LIMITS, renderDiscord, truncate } from "../../../src/chat/discord/render";
import type { DiscordMessage } from "../../../src/chat/discord/types";
import { channelRef, code, link, literal, userRef } from "../../../src/chat/markup";
import { type Reply, type ReplyButton, reply } from "../../../src/chat/reply";

/** Asserts every Discord message limit; returns the embeds' total characters. */
function expectWithinLimits(m: DiscordMessage): number {
  expect((m.content ?? "").length).toBeLessThanOrEqual(LIMITS.content);
  expect(m.content !== undefined || m.embeds.length > 0).toBe(true);
  expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  let total = 0;
  for (const e of m.embeds) {
    expect((e.title ?? "").length).toBeLessThanOrEqual(LIMITS.title);
    expect((e.description ?? "").length).toBeLessThanOrEqual(LIMITS.description);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
    expect((e.footer?.text ?? "").length).toBeLessThanOrEqual(LIMITS.footer);
    total += (e.title ?? "").length + (e.description ?? "").length + (e.footer?.text ?? "").length;
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      total += f.name.length + f.value.length;
    }
  }
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  expect(m.components.length).toBeLessThanOrEqual(LIMITS.rows);
  const ids = m.components.flatMap((row) =>
    row.components.flatMap((b) => ("custom_id" in b ? [b.custom_id] : [])),
  );
  expect(new Set(ids).size).toBe(ids.length);
  for (const row of m.components) {
    expect(row.components.length).toBeGreaterThan(0);
    expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
    for (const b of row.components) {
      if (b.type !== 2 || !("custom_id" in b)) continue;
      expect(b.label.length).toBeLessThanOrEqual(LIMITS.label);
      expect(b.custom_id.length).toBeGreaterThan(0);
      expect(b.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
    }
  }
  expect(m.allowed_mentions.parse).toStrictEqual([]);
  return total;
}

const buttons = (n: number): ReplyButton[] =>
  Array.from({ length: n }, (_, i) => ({ action: `agent.pause:agt_${i}`, label: `Pause ${i}` }));

describe("renderDiscord", () => {
  it("a plain reply is content only; ephemeral sets flag 64; Foreman's mentions are the only pings", () => {
    const m = renderDiscord(
      reply(
        `Assigned ${userRef("123456789012345678")} and ${userRef("223456789012345678")} to **acme/api#7**, not <@323456789012345678>`,
      ),
    );
    expect(m).toStrictEqual({
      content:
        "Assigned <@123456789012345678> and <@223456789012345678> to **acme/api#7**, not \\<\\@323456789012345678\\>",
      embeds: [],
      components: [],
      flags: 64,
      allowed_mentions: { parse: [], users: ["123456789012345678", "223456789012345678"] },
    });
    expect(renderDiscord(reply("hi", { ephemeral: false }))).not.toHaveProperty("flags");
  });

  it("a titled reply without sections keeps its text as the embed description", () => {
    const m = renderDiscord(reply("Posted the digest: 2 pull requests waiting.", { title: "Digest" }));
    expect(m.content).toBeUndefined();
    expect(m.embeds).toHaveLength(1);
    expect(m.embeds[0]).toMatchObject({
      title: "Digest",
      description: "Posted the digest: 2 pull requests waiting.",
    });
  });

  it("title, sections and fields become an embed coloured by tone; markup passes through", () => {
    const m = renderDiscord(
      reply("Workflow created", {
        title: "Workflow wf_abc",
        tone: "error",
        sections: [
          {
            text: `See ${link("the run", "https://example.com/run/1")}`,
            lines: ["`wf_abc` — **release train**"],
          },
          { title: "Details", fields: [{ label: "Priority", value: "high" }] },
        ],
        footer: `Requested by ${userRef("123456789012345678")}`,
      }),
    );
    expect(m.content).toBeUndefined();
    expect(m.embeds).toStrictEqual([
      {
        title: "Workflow wf\\_abc",
        color: 0xed4245,
        description: "See [the run](https://example.com/run/1)\n`wf_abc` — **release train**\n\n**Details**",
        fields: [{ name: "Priority", value: "high", inline: true }],
        footer: { text: "Requested by <@123456789012345678>" },
      },
    ]);
    expect(m.allowed_mentions.users).toStrictEqual([]);
  });

  it("30 fields: 25 per embed, order kept, nothing lost", () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i}` }));
    const m = renderDiscord(reply("Many", { title: "Many fields", sections: [{ fields }] }));
    expectWithinLimits(m);
    expect(m.embeds.map((e) => e.fields?.length)).toStrictEqual([25, 5]);
    expect(m.embeds[1]?.fields?.[4]).toMatchObject({ name: "Field 29", value: "value 29" });
  });

  it("12 buttons: rows of 5, 5 and 2 with styles; 30 buttons: 25 kept and '…and 5 more actions'", () => {
    const twelve = renderDiscord(
      reply("Actions", {
        buttons: [
          { action: "a:primary", label: "Go", style: "primary" },
          { action: "a:danger", label: "Stop", style: "danger" },
          ...buttons(10),
        ],
      }),
    );
    expectWithinLimits(twelve);
    expect(twelve.components.map((r) => r.components.length)).toStrictEqual([5, 5, 2]);
    expect(
      twelve.components[0]?.components.slice(0, 3).map((b) => ("style" in b ? b.style : 0)),
    ).toStrictEqual([1, 4, 2]);

    const thirty = renderDiscord(reply("Actions", { buttons: buttons(30) }));
    expectWithinLimits(thirty);
    expect(thirty.components.flatMap((r): unknown[] => r.components)).toHaveLength(25);
    expect(thirty.content).toBe("Actions\n…and 5 more actions");
  });

  it("long texts are cut to Discord's limits with '…' and '…and N more'", () => {
    const long = "x".repeat(5000);
    const plain = renderDiscord(reply(long));
    expectWithinLimits(plain);
    expect(plain.content).toHaveLength(2000);
    expect(plain.content?.endsWith("…")).toBe(true);

    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${"y".repeat(40)}`);
    const huge = renderDiscord(
      reply("Huge", {
        title: "t".repeat(300),
        sections: [{ title: "s", text: long, lines }, { fields: [{ label: "n".repeat(300), value: long }] }],
        footer: "f".repeat(3000),
      }),
    );
    const total = expectWithinLimits(huge);
    expect(total).toBeGreaterThan(5000);
    expect(huge.embeds[0]?.title).toHaveLength(256);
    const footer = huge.embeds[huge.embeds.length - 1]?.footer?.text ?? "";
    expect(footer).toMatch(/^…and \d+ more\n/);
  });

  it("buttons with unusable or duplicate custom ids are dropped; confirm buttons ask first", () => {
    const m = renderDiscord(
      reply("x", {
        buttons: [
          { action: "a".repeat(101), label: "Too long" },
          { action: "dup", label: "One" },
          { action: "dup", label: "Two" },
          { action: "wf.terminate:wf_1", label: "Terminate", style: "danger", confirm: "Terminate wf_1?" },
        ],
      }),
    );
    expectWithinLimits(m);
    expect(m.components[0]?.components.map((b) => ("custom_id" in b ? b.custom_id : ""))).toStrictEqual([
      "dup",
      "?wf.terminate:wf_1",
    ]);
  });

  it("never breaks a limit, whatever the reply (property)", () => {
    const text = fc.string({ maxLength: 3000 });
    const section = fc.record(
      {
        title: text,
        text,
        lines: fc.array(text, { maxLength: 30 }),
        fields: fc.array(fc.record({ label: text, value: text }), { maxLength: 30 }),
      },
      { requiredKeys: [] },
    );
    const arbitrary: fc.Arbitrary<Reply> = fc.record({
      ephemeral: fc.boolean(),
      text,
      title: fc.option(text, { nil: undefined }),
      sections: fc.array(section, { maxLength: 12 }),
      buttons: fc.array(
        fc.record({
          action: fc.string({ minLength: 1, maxLength: 120 }),
          label: fc.string({ maxLength: 120 }),
        }),
        { maxLength: 40 },
      ),
      footer: fc.option(text, { nil: undefined }),
      tone: fc.constantFrom("info", "success", "warning", "error"),
    });
    fc.assert(
      fc.property(arbitrary, (r) => {
        expectWithinLimits(renderDiscord(r));
      }),
      { numRuns: 150 },
    );
  });

  it("helpers: truncate keeps surrogate pairs whole; mentions are unique and only Foreman's", () => {
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(truncate("short", 10)).toBe("short");
    const twice = `${userRef("123456789012345678")} ${userRef("123456789012345678")}`;
    expect(mentionedUserIds(`${twice} <@&123456789012345679> <@123456789012345670>`)).toStrictEqual([
      "123456789012345678",
    ]);
  });

  it("escapes outside text completely: no mention, masked link, heading or formatting from it", () => {
    const title = "Q4 [Approve now](https://evil.example/phish) <@U0VICTIM1> @everyone *b* _i_ ~s~ ||x|| `c`";
    expect(toDiscord(literal(title))).toBe(
      "Q4 \\[Approve now\\]\\(https\\://evil.example/phish\\) \\<\\@U0VICTIM1\\> \\@everyone \\*b\\* \\_i\\_ \\~s\\~ \\|\\|x\\|\\| \\`c\\`",
    );
    expect(escapeDiscord("# h\n-# small\n- item\n+ item\n12. item\n> quote")).toBe(
      "\\# h\n\\-# small\n\\- item\n\\+ item\n12\\. item\n\\> quote",
    );
    expect(toDiscord(link(literal("a](x) [b"), "https://example.com/a(b)") ?? "")).toBe(
      "[a\\]\\(x\\) \\[b](https://example.com/a%28b%29)",
    );
    expect(toDiscord(`${code("my_repo")} ${code("a`b")} ${channelRef("998877665544332211")}`)).toBe(
      "`my_repo` a\\`b <#998877665544332211>",
    );
  });
});
