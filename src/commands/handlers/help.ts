/** `help [topic]`: the command list or one group, from the grammar. */
import { type Reply, reply } from "../../chat/reply";
import { helpText } from "../help";
import type { CommandOf } from "../types";

export async function help(command: CommandOf<"help">): Promise<Reply> {
  const content = helpText(command.topic);
  return reply(content.title, {
    title: content.title,
    sections: [
      { text: content.intro },
      ...content.sections.map((s) => ({
        title: s.title,
        lines: [
          ...s.lines.map((l) => `\`${l.usage}\` — ${l.description}${l.adminOnly ? " (admin)" : ""}`),
          ...s.examples.map((e) => `e.g. \`${e}\``),
        ],
      })),
    ],
    footer: content.footer,
  });
}
