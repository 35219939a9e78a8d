import { describe, expect, it } from "vitest";
import { channelRef, code, link, literal, userRef } from "../../../src/chat/markup";
import { reply } from "../../../src/chat/reply";
import type { Block } from "../../../src/chat/slack/blocks";
import { clipMrkdwn, SOFT_HYPHEN, toMrkdwn } from "../../../src/chat/slack/escape";
import { renderBlocks, renderSlack } from "../../../src/chat/slack/render";

const texts = (blocks: Block[]) => JSON.stringify(blocks);
const sections = (blocks: Block[]) => blocks.filter((b) => b.type === "section");

describe("neutral markup -> Slack mrkdwn", () => {
  it("converts bold and Foreman's links, keeps code, mentions and channel references", () => {
    const docs = link("the docs", "https://example.com/x?a=1&b=2");
    expect(toMrkdwn(`**Team** has \`3\` people, see ${docs}`)).toBe(
      "*Team* has `3` people, see <https://example.com/x?a=1&amp;b=2|the docs>",
    );
    expect(toMrkdwn(`ask ${userRef("U123ABC")} or ${userRef("W0ENT")} in ${channelRef("C0GENERAL")}`)).toBe(
      "ask <@U123ABC> or <@W0ENT> in <#C0GENERAL>",
    );
  });

  it("reads mentions, links and Slack formatting in any other text as text", () => {
    expect(toMrkdwn("a <b> & c")).toBe("a &lt;b&gt; &amp; c");
    expect(toMrkdwn("<!channel> wake up <https://evil.example|click>")).toBe(
      "&lt;!channel&gt; wake up &lt;https://evil.example|click&gt;",
    );
    expect(toMrkdwn("ask <@U123ABC> [the docs](https://evil.example) *now*")).toBe(
      "ask &lt;@U123ABC&gt; [the docs](https://evil.example) \u2217now\u2217",
    );
    expect(toMrkdwn("`x < y && **not bold**`")).toBe("`x &lt; y &amp;&amp; **not bold**`");
  });

  it("escapes outside text completely, and a link label so it cannot end the link", () => {
    const title = "Q4 [Approve now](https://evil.example/phish) <@U0VICTIM1> *b* _i_ ~s~ `c` snake_case";
    expect(toMrkdwn(literal(title))).toBe(
      "Q4 [Approve now](https://evil.example/phish) &lt;@U0VICTIM1&gt; \u2217b\u2217 \u02CDi\u02CD \u223Cs\u223C \u02CBc\u02CB snake_case",
    );
    expect(toMrkdwn(`**${literal("*x*")}**`)).toBe("*\u2217x\u2217*");
    expect(toMrkdwn(literal("> quoted\n&gt; again"))).toBe(`${SOFT_HYPHEN}&gt; quoted\n&amp;gt; again`);
    expect(toMrkdwn(link(literal("a|b>"), "https://x.example/p|q") ?? "")).toBe(
      "<https://x.example/p%7Cq|a\u2223b&gt;>",
    );
    // Code from outside: exact inside code, or escaped text when it would end the code.
    expect(toMrkdwn(code("my_repo<1>"))).toBe("`my_repo&lt;1&gt;`");
    expect(toMrkdwn(code("a`b"))).toBe("a\u02CBb");
  });

  it("never cuts through markup or an entity", () => {
    expect(clipMrkdwn("abc <https://example.com|link>", 10)).toBe("abc …");
    expect(clipMrkdwn("abcdef &amp; x", 9)).toBe("abcdef …");
  });

  it("answers a text the same way every time, past the isolate's memo of rendered texts too", () => {
    const sample = (i: number) => `**${i}** <@U${i}> ${literal(`*x_${i}* <!here>`)} ${code(`a<${i}>`)}`;
    const first = Array.from({ length: 1_500 }, (_, i) => toMrkdwn(sample(i)));
    const again = Array.from({ length: 1_500 }, (_, i) => toMrkdwn(sample(i)));
    expect(again).toEqual(first);
    expect(first[7]).toBe("*7* &lt;@U7&gt; \u2217x_7\u2217 &lt;!here&gt; `a&lt;7&gt;`");
    const long = `${"word ".repeat(400)}**end** <@U1>`;
    expect(toMrkdwn(long)).toBe(`${"word ".repeat(400)}*end* &lt;@U1&gt;`);
  });
});

describe("renderSlack", () => {
  it("renders title, sections, fields, footer and buttons", () => {
    const msg = renderSlack(
      reply("Agent agt_1 running", {
        ephemeral: false,
        title: "Agent **agt_1**",
        tone: "warning",
        sections: [
          { title: "Details", text: "Runs <fast>", fields: [{ label: "Type", value: "review" }] },
          { lines: ["one", "two"] },
        ],
        buttons: [
          { action: "fm1:agent.pause:agt_1", label: "Pause", style: "primary" },
          {
            action: "fm1:agent.terminate:agt_1",
            label: "Terminate",
            style: "danger",
            confirm: "Stop **agt_1**?",
          },
        ],
        footer: "Updated just now",
      }),
    );
    expect(msg.response_type).toBe("in_channel");
    expect(msg).not.toHaveProperty("replace_original");
    expect(msg.blocks).toEqual([
      { type: "header", text: { type: "plain_text", text: ":warning: Agent agt_1", emoji: true } },
      {
        type: "section",
        text: { type: "mrkdwn", text: "*Details*\nRuns &lt;fast&gt;", verbatim: true },
        fields: [{ type: "mrkdwn", text: "*Type*\nreview", verbatim: true }],
      },
      { type: "section", text: { type: "mrkdwn", text: "one\ntwo", verbatim: true } },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: "fm1:agent.pause:agt_1",
            value: "fm1:agent.pause:agt_1",
            text: { type: "plain_text", text: "Pause", emoji: true },
            style: "primary",
          },
          {
            type: "button",
            action_id: "fm1:agent.terminate:agt_1",
            value: "fm1:agent.terminate:agt_1",
            text: { type: "plain_text", text: "Terminate", emoji: true },
            style: "danger",
            confirm: {
              title: { type: "plain_text", text: "Are you sure?", emoji: true },
              text: { type: "mrkdwn", text: "Stop *agt_1*?", verbatim: true },
              confirm: { type: "plain_text", text: "Terminate", emoji: true },
              deny: { type: "plain_text", text: "Cancel", emoji: true },
              style: "danger",
            },
          },
        ],
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "Updated just now", verbatim: true }] },
    ]);
  });

  it("a reply with only text becomes one section; replaceOriginal is passed on", () => {
    const msg = renderSlack(reply("Nothing **here**", { tone: "error", replaceOriginal: true }));
    expect(msg).toMatchObject({ text: "Nothing *here*", response_type: "ephemeral", replace_original: true });
    expect(msg.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: ":x: Nothing *here*", verbatim: true } },
    ]);
  });

  it("60 sections -> at most 50 blocks, ending with …and N more, buttons and footer kept", () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ text: `Section ${i + 1}` }));
    const blocks = renderBlocks(
      reply("Long", {
        title: "Long",
        sections: many,
        buttons: [{ action: "fm1:status.refresh:", label: "Refresh" }],
        footer: "footer",
      }),
    );
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks[0]?.type).toBe("header");
    expect(blocks.at(-2)?.type).toBe("actions");
    expect(blocks.at(-1)).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "footer", verbatim: true }],
    });
    const shown = sections(blocks).length;
    expect(texts(blocks)).toContain(`…and ${60 - shown} more`);
    expect(shown + 1 + 3).toBe(blocks.length);
  });

  it("App Home allows 100 blocks", () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ text: `S${i}` }));
    expect(renderBlocks(reply("x", { sections: many }), 100)).toHaveLength(100);
  });

  it("cuts long sections at 3000 characters by line, with …and N more", () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${"x".repeat(40)}`);
    const [block] = renderBlocks(reply("x", { sections: [{ title: "Many", lines }] }));
    const text = block?.type === "section" ? (block.text?.text ?? "") : "";
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.startsWith("*Many*\nline 0 ")).toBe(true);
    expect(text).toMatch(/\n…and \d+ more$/);
    const n = Number(/…and (\d+) more$/.exec(text)?.[1]);
    expect(text.split("\n").length - 2 + n).toBe(200);

    const [huge] = renderBlocks(reply("x", { sections: [{ text: "y".repeat(5000) }] }));
    expect(huge?.type === "section" && huge.text?.text.length).toBe(3000);
  });

  it("keeps at most 10 fields of at most 2000 characters", () => {
    const fields = Array.from({ length: 14 }, (_, i) => ({ label: `F${i}`, value: "v".repeat(2500) }));
    const [block] = renderBlocks(reply("x", { sections: [{ fields }] }));
    const out = block?.type === "section" ? (block.fields ?? []) : [];
    expect(out).toHaveLength(10);
    expect(out.every((f) => f.text.length <= 2000)).toBe(true);
    expect(out[9]?.text).toBe("…and 5 more");
  });

  it("keeps at most 25 buttons per actions block", () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({
      action: `fm1:agent.pause:agt_${i}`,
      label: `B${i}`,
    }));
    const blocks = renderBlocks(reply("x", { buttons }));
    const actions = blocks.find((b) => b.type === "actions");
    expect(actions?.type === "actions" && actions.elements.length).toBe(25);
    expect(texts(blocks)).toContain("…and 5 more actions");
  });

  it("stays under Slack's total message size", () => {
    const big = Array.from({ length: 40 }, () => ({ text: "z".repeat(2900) }));
    const blocks = renderBlocks(reply("x", { sections: big }));
    const chars = sections(blocks).reduce(
      (n, b) => n + (b.type === "section" ? (b.text?.text.length ?? 0) : 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(12_000);
    expect(texts(blocks)).toMatch(/…and \d+ more/);
  });
});
