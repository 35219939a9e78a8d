/**
 * A verified, validated Discord interaction -> the HTTP response, plus any later posts.
 *
 * Commands and button clicks run within the ack budget (`withinBudget`, 2 s of Discord's 3 s): in
 * time, the reply goes in the response (type 4, or type 7 updating the clicked message); too slow,
 * the response defers (type 5 / 6) and the reply is posted from `waitUntil` through the outbound
 * queue as an edit of `@original` (or a follow-up), keyed by the interaction id so it posts once.
 */

import { CONFIRM_PREFIX, renderDiscord } from "../../chat/discord/render";
import {
  type CommandInteraction,
  type ComponentInteraction,
  type DiscordMessage,
  EPHEMERAL,
  type Interaction,
  type InteractionResponse,
  InteractionType,
  type InvokedInteraction,
  ResponseType,
} from "../../chat/discord/types";
import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import type { CommandContext } from "../../commands/context";
import { commandFromDiscord } from "../../commands/discord";
import { ACK_BUDGET_MS, withinBudget } from "../../commands/respond";
import { runAction, runParsed } from "../../commands/run";
import type { CommandName, ParseResult } from "../../commands/types";
import { enqueueDelivery } from "../../delivery/enqueue";
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import { errorText } from "../../platform/errors";
import { resolveChatTenant } from "../../tenants/chat-tenant";
import { defaultTenant } from "../../tenants/default-tenant";
import { actorOf, commandContext } from "./context";

export interface InteractionDeps {
  runParsed(result: ParseResult, ctx: CommandContext): Promise<Reply>;
  runAction(actionId: string, ctx: CommandContext): Promise<Reply>;
  resolveTenant(env: Env, platform: "discord", workspaceId: string): Promise<string>;
  budgetMs: number;
  now(): number;
}

export const DEFAULT_DEPS: InteractionDeps = {
  runParsed,
  runAction,
  resolveTenant: resolveChatTenant,
  budgetMs: ACK_BUDGET_MS,
  now: () => Date.now(),
};

export interface InteractionRequest {
  interaction: Interaction;
  env: Env;
  waitUntil(promise: Promise<unknown>): void;
  correlationId: string;
  /** The URL Discord called (replies show webhook URLs at its origin). */
  requestUrl?: string;
}

/** One post made after a deferred response; `name` makes its delivery key. */
interface LaterPost {
  name: "original" | "followup";
  action: "webhooks.editOriginal" | "webhooks.followup";
  message: DiscordMessage;
}

interface Plan {
  work(ctx: CommandContext): Promise<Reply>;
  immediate(reply: Reply): InteractionResponse;
  deferred: InteractionResponse;
  later(reply: Reply): LaterPost[];
}

const GUILD_ONLY = "Foreman works in servers: use `/foreman` in a channel of a server it has been added to.";
const NOTE_PRIVATE = "Foreman answered privately.";
const NOTE_PUBLIC = "Foreman posted the answer in the channel.";
/**
 * Commands whose success is announced to the channel (their handlers answer with `ephemeral: false`);
 * every other answer is just for the asker. Only decides how a slow command is deferred: a reply
 * whose visibility differs is still shown right (see `commandPlan`).
 */
const ANNOUNCED: ReadonlySet<CommandName> = new Set<CommandName>([
  "workflow.create",
  "workflow.terminate",
  "unlink.github",
  "unlink.linear",
  "link.ops",
  "unlink.ops",
  "digest.schedule",
  "digest.off",
]);

export async function handleInteraction(
  req: InteractionRequest,
  deps: InteractionDeps = DEFAULT_DEPS,
): Promise<InteractionResponse> {
  const i = req.interaction;
  switch (i.type) {
    case InteractionType.PING:
      return { type: ResponseType.PONG };
    case InteractionType.APPLICATION_COMMAND:
      return run(req, i, deps, commandPlan(i, deps));
    case InteractionType.MESSAGE_COMPONENT:
      if (i.data.custom_id.startsWith(CONFIRM_PREFIX)) return confirmPrompt(i);
      return run(req, i, deps, componentPlan(i, deps));
    case InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE:
      return { type: ResponseType.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT, data: { choices: [] } };
    case InteractionType.MODAL_SUBMIT:
      return message(reply("Forms are not supported by Foreman.", { tone: "warning" }));
  }
}

/** Personal: answered to the asker only (parse errors, help, lists, refusals…); deferred ephemerally. */
export function isPersonal(result: ParseResult): boolean {
  return !result.ok || !ANNOUNCED.has(result.command.name);
}

/** A button's reply replaces the clicked message unless it says otherwise or is just for the clicker. */
export function replacesOriginal(r: Reply): boolean {
  return r.replaceOriginal ?? !r.ephemeral;
}

function commandPlan(i: CommandInteraction, deps: InteractionDeps): Plan {
  const result = commandFromDiscord(i.data);
  const personal = isPersonal(result);
  return {
    work: (ctx) => deps.runParsed(result, ctx),
    immediate: message,
    deferred: {
      type: ResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
      data: personal ? { flags: EPHEMERAL } : {},
    },
    later(r) {
      const original = (m: DiscordMessage): LaterPost => ({
        name: "original",
        action: "webhooks.editOriginal",
        message: edit(m),
      });
      if (r.ephemeral === personal) return [original(renderDiscord(r))];
      // The deferral fixed the visibility of @original (an edit cannot change it): note there where
      // the answer went, and post the answer as a follow-up with its own visibility.
      const note = reply(personal ? NOTE_PUBLIC : NOTE_PRIVATE, { ephemeral: personal });
      return [
        original(renderDiscord(note)),
        { name: "followup", action: "webhooks.followup", message: renderDiscord(r) },
      ];
    },
  };
}

function componentPlan(i: ComponentInteraction, deps: InteractionDeps): Plan {
  // A select menu's choice is the action it runs (src/chat/discord/render.ts `selectRow`).
  const actionId = i.data.values?.[0] ?? i.data.custom_id;
  return {
    work: (ctx) => deps.runAction(actionId, ctx),
    immediate: (r) =>
      replacesOriginal(r) ? { type: ResponseType.UPDATE_MESSAGE, data: edit(renderDiscord(r)) } : message(r),
    deferred: { type: ResponseType.DEFERRED_UPDATE_MESSAGE },
    later: (r) =>
      replacesOriginal(r)
        ? [{ name: "original", action: "webhooks.editOriginal", message: edit(renderDiscord(r)) }]
        : [{ name: "followup", action: "webhooks.followup", message: renderDiscord(r) }],
  };
}

/**
 * A button marked `confirm`: ask first, ephemerally, with the real action on a danger button. The
 * confirmation text itself does not fit in a custom_id; the clicked button's label names the action.
 */
function confirmPrompt(i: ComponentInteraction): InteractionResponse {
  const customId = i.data.custom_id;
  const action = customId.slice(CONFIRM_PREFIX.length);
  const buttons = i.message?.components?.flatMap((row) => row.components ?? []) ?? [];
  const label = buttons.find((b) => b.custom_id === customId)?.label?.trim();
  // The label is the rendered button's: it may hold a workflow name (outside text).
  const shown = label ? literal(label) : "";
  const prompt = reply(label ? `${shown}: are you sure?` : "Are you sure?", {
    tone: "warning",
    sections: [{ text: "Confirm to go ahead, or dismiss this message to cancel." }],
    buttons: [{ action, label: label ? `Confirm: ${shown}` : "Confirm", style: "danger" }],
  });
  return message(prompt);
}

async function run(
  req: InteractionRequest,
  i: InvokedInteraction,
  deps: InteractionDeps,
  plan: Plan,
): Promise<InteractionResponse> {
  const actor = actorOf(i);
  const guildId = i.guild_id;
  if (!actor || !guildId) return message(reply(GUILD_ONLY, { tone: "warning" }));
  const tenant = deps.resolveTenant(req.env, "discord", guildId);
  const work = tenant.then((t) =>
    plan.work(
      commandContext({
        env: req.env,
        tenant: t,
        guildId,
        interaction: i,
        actor,
        correlationId: req.correlationId,
        now: new Date(deps.now()),
        requestUrl: req.requestUrl,
      }),
    ),
  );
  try {
    const raced = await withinBudget(work, deps.budgetMs);
    if (raced.done) return plan.immediate(raced.value);
    req.waitUntil(postLater(req, i, plan, raced.later, tenant));
    return plan.deferred;
  } catch (err) {
    return plan.immediate(failure(req.correlationId, err));
  }
}

async function postLater(
  req: InteractionRequest,
  i: InvokedInteraction,
  plan: Plan,
  later: Promise<Reply>,
  tenantPromise: Promise<string>,
): Promise<void> {
  const r = await later.catch((err: unknown) => failure(req.correlationId, err));
  const tenant = await tenantPromise.catch(() => defaultTenant(req.env));
  for (const post of plan.later(r)) {
    try {
      await enqueueDelivery(req.env, {
        tenant,
        platform: "discord",
        action: post.action,
        body: { application_id: i.application_id, token: i.token, ...post.message },
        key: `discord:${i.id}:${post.name}`,
        correlationId: req.correlationId,
      });
    } catch (err) {
      log("discord.later_enqueue_failed", req.correlationId, err);
    }
  }
}

function message(r: Reply): InteractionResponse {
  return { type: ResponseType.CHANNEL_MESSAGE_WITH_SOURCE, data: renderDiscord(r) };
}

/** Edits and in-place updates cannot change a message's flags: drop them. */
function edit(m: DiscordMessage): DiscordMessage {
  const { flags: _, ...rest } = m;
  return rest;
}

function failure(correlationId: string, err: unknown): Reply {
  log("discord.interaction_failed", correlationId, err);
  return reply(`Something went wrong (reference \`${correlationId}\`). Try again in a moment.`, {
    tone: "error",
  });
}

const discordLog = logger("discord.interactions");

function log(event: string, correlationId: string, err: unknown): void {
  discordLog.error(event, { correlationId, error: errorText(err) });
}
