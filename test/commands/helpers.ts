/** Helpers for chat-core tests: a CommandContext you control, running text commands, reading replies. */
import { env } from "cloudflare:workers";
import { unmarked } from "../../src/chat/markup";
import type { Reply } from "../../src/chat/reply";
import type { ChatPlace, CommandContext } from "../../src/commands/context";
import { parseCommand } from "../../src/commands/parse";
import { runAction, runParsed } from "../../src/commands/run";
import type { ChatUser } from "../../src/domain/values";
import type { Env } from "../../src/env";

export const SLACK_WS = "T0FOREMAN";
export const DISCORD_GUILD = "112233445566778899";

export const slack = (id: string, name?: string): ChatUser =>
  name ? { platform: "slack", id, name } : { platform: "slack", id };
export const discord = (id: string): ChatUser => ({ platform: "discord", id });

export interface TestContext extends CommandContext {
  /** How often the command asked the platform whether the actor is an admin. */
  platformAdminCalls: () => number;
}

export interface ContextOptions {
  actor?: ChatUser;
  channelId?: string;
  place?: Partial<ChatPlace>;
  /** What `platformAdmin()` answers (default false); an Error makes it throw. */
  platformAdmin?: boolean | Error;
  env?: Partial<Env>;
  now?: Date;
}

export function chatContext(tenant: string, options: ContextOptions = {}): TestContext {
  const actor = options.actor ?? slack("U0ALICE", "alice");
  let calls = 0;
  return {
    env: { ...env, ...options.env },
    tenant,
    actor,
    place: {
      platform: actor.platform,
      workspaceId: actor.platform === "slack" ? SLACK_WS : DISCORD_GUILD,
      channelId: options.channelId ?? (actor.platform === "slack" ? "C0GENERAL" : "998877665544332211"),
      ...options.place,
    },
    correlationId: `test-${tenant}`,
    platformAdmin: async () => {
      calls++;
      if (options.platformAdmin instanceof Error) throw options.platformAdmin;
      return options.platformAdmin ?? false;
    },
    now: options.now ?? new Date(),
    platformAdminCalls: () => calls,
  };
}

/** Runs `/foreman <text>` as typed in Slack. */
export function run(text: string, ctx: CommandContext): Promise<Reply> {
  return runParsed(parseCommand(text), ctx);
}

export function click(actionId: string, ctx: CommandContext): Promise<Reply> {
  return runAction(actionId, ctx);
}

/** Everything a reply shows, as one string of neutral markup without markers (for `toContain`). */
export function shown(reply: Reply): string {
  const all = [
    reply.title,
    reply.text,
    ...reply.sections.flatMap((s) => [
      s.title,
      s.text,
      ...(s.lines ?? []),
      ...(s.fields ?? []).map((f) => `${f.label}: ${f.value}`),
    ]),
    ...reply.buttons.map((b) => `[${b.label}]`),
    reply.footer,
  ]
    .filter((x) => x !== undefined)
    .join("\n");
  return unmarked(all);
}

export function field(reply: Reply, label: string): string | undefined {
  const value = reply.sections.flatMap((s) => s.fields ?? []).find((f) => f.label === label)?.value;
  return value === undefined ? undefined : unmarked(value);
}

/** The first `wf_…` / `agt_…` id in a reply. */
export function idIn(reply: Reply, prefix: "wf" | "agt"): string {
  const m = new RegExp(`${prefix}_[a-z0-9]+`).exec(shown(reply));
  if (!m) throw new Error(`no ${prefix}_ id in reply:\n${shown(reply)}`);
  return m[0];
}
