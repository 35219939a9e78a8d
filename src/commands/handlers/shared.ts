/** What most handlers need: the tenant's objects, call metadata, and outcome -> friendly error. */

import { coordinator } from "../../agents/coordinator/stub";
import type { CallMeta } from "../../agents/model";
import { literal, unmarked } from "../../chat/markup";
import type { ChannelRef } from "../../chat/platform";
import { type Reply, reply } from "../../chat/reply";
import { logger } from "../../observability/logger";
import { AppError, errorMessage, type Outcome } from "../../platform/errors";
import { settings } from "../../settings/stub";
import type { CommandContext } from "../context";
import { actorKey } from "./format";

export const tenantSettings = (ctx: CommandContext) => settings(ctx.env, ctx.tenant);
export const tenantCoordinator = (ctx: CommandContext) => coordinator(ctx.env, ctx.tenant);

export const callMeta = (ctx: CommandContext): CallMeta => ({
  correlationId: ctx.correlationId,
  actor: actorKey(ctx.actor),
});

export const channelOf = (ctx: CommandContext): ChannelRef => ({
  platform: ctx.place.platform,
  workspaceId: ctx.place.workspaceId,
  channelId: ctx.place.channelId,
});

/** A failure whose chat answer Foreman wrote (neutral markup, outside values already `literal`). */
export class ChatAnswerError extends AppError {
  readonly markup: string;
  constructor(status: number, code: AppError["code"], markup: string, details?: unknown) {
    super(status, code, unmarked(markup), details);
    this.name = "ChatAnswerError";
    this.markup = markup;
  }
}

/**
 * The value of an Outcome. A failure is thrown as an AppError (run.ts turns it into a reply); a 404
 * gets `notFound` as its answer, since the objects' own wording ("Workflow … not found") is API talk.
 */
export function need<T>(outcome: Outcome<T>, notFound?: string): T {
  if (outcome.ok) return outcome.value;
  const { status, code, message, details } = outcome.error;
  if (status === 404 && notFound) throw new ChatAnswerError(status, code, notFound, details);
  throw new AppError(status, code, message, details);
}

/** A short, private answer for a problem: what is wrong and, where it helps, what to do. */
export function problem(text: string, lines: string[] = []): Reply {
  return reply(text, { tone: "error", sections: lines.length ? [{ text, lines }] : [{ text }] });
}

/**
 * The reply for an error a handler threw: its message if it is ours (as text: messages can echo
 * input and outside names), else a reference to look up.
 */
export function errorReply(err: unknown, ctx: CommandContext): Reply {
  if (err instanceof ChatAnswerError) return problem(err.markup);
  if (err instanceof AppError && err.status < 500) return problem(literal(friendly(err.message)));
  logger("commands").error("chat command failed", {
    correlationId: ctx.correlationId,
    tenant: ctx.tenant,
    error: errorMessage(err),
  });
  return problem("Something went wrong on Foreman's side. Try again in a moment.", [
    `Reference: \`${ctx.correlationId}\``,
  ]);
}

/** Validation messages from the objects, e.g. "Invalid request: tz: not an IANA…", minus the prefix. */
function friendly(message: string): string {
  return message.replace(/^Invalid request: /, "Invalid ");
}

/** The zone the asker reads times in: theirs from the team roster; null when they are not on it. */
export async function readerZone(ctx: CommandContext): Promise<string | null> {
  return (await tenantSettings(ctx).member(ctx.actor))?.tz ?? null;
}
