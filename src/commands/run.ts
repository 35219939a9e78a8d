/**
 * Runs a parsed command or a button action for a chat user and returns a platform-neutral Reply.
 * Handlers live in ./handlers, one small file per area; this file only dispatches.
 */
import type { CommandContext } from "./context";
import { help } from "./handlers/help";
import { type Reply, reply } from "./reply";
import type { Command, CommandName, CommandOf, ParseResult } from "./types";

export type Handler<N extends CommandName> = (command: CommandOf<N>, ctx: CommandContext) => Promise<Reply>;
export type HandlerTable = { [N in CommandName]?: Handler<N> };

const HANDLERS: HandlerTable = {
  help,
};

export async function runCommand(command: Command, ctx: CommandContext): Promise<Reply> {
  const handler = HANDLERS[command.name] as Handler<typeof command.name> | undefined;
  if (!handler) {
    return reply(`\`${command.name.replace(".", " ")}\` is not available yet.`, { tone: "warning" });
  }
  return handler(command as never, ctx);
}

/** A parse failure becomes a short, specific answer with the right form; never an error page. */
export async function runParsed(result: ParseResult, ctx: CommandContext): Promise<Reply> {
  if (result.ok) return runCommand(result.command, ctx);
  const lines = [`Usage: \`${result.usage}\``];
  if (result.suggestion) lines.push(`Did you mean \`${result.suggestion}\`?`);
  return reply(result.error, {
    tone: "warning",
    sections: [{ text: result.error, lines }],
    footer: "`/foreman help` lists every command.",
  });
}
