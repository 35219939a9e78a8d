/**
 * Who may run what in chat. Commands marked `mutates` in the grammar need chat admin rights:
 *
 * 1. the user id is listed in FOREMAN_CHAT_ADMINS (comma-separated; `slack:U…` / `discord:…` to
 *    pin a platform), or
 * 2. the user is a team lead of the tenant, or
 * 3. first run: the tenant has no admin of any configured kind (no FOREMAN_CHAT_ADMINS entry and no
 *    lead), so anyone may set it up, or
 * 4. the platform says so (`ctx.platformAdmin()`: Slack admin/owner, Discord Manage Server), asked
 *    only when the cheaper checks fail.
 *
 * `ooo` and `back` for oneself, and `me …` (one's own page and notifications), are open to everyone.
 */

import type { ChatUserRef } from "../chat/platform";
import { type Reply, reply } from "../chat/reply";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { settings } from "../settings/stub";
import type { CommandContext } from "./context";
import { specFor } from "./grammar";
import { code, who } from "./handlers/format";
import type { Command } from "./types";

export type AccessVia = "open" | "self" | "configured" | "lead" | "first-run" | "platform";
export type Access = { allowed: true; via: AccessVia } | { allowed: false; reply: Reply };

export const FIRST_RUN_NOTE =
  "Anyone can change settings until an admin is set: `/foreman team add @you github:you --lead`";

const ADMIN_KINDS =
  "a team lead, a workspace admin (Slack admin or owner, Discord Manage Server) or someone listed in FOREMAN_CHAT_ADMINS";

interface AdminEntry {
  platform?: "slack" | "discord";
  id: string;
}

/** The entries of FOREMAN_CHAT_ADMINS: `U123`, `slack:U123`, `discord:1234…`, separated by commas. */
export function configuredAdmins(env: Env): AdminEntry[] {
  return (env.FOREMAN_CHAT_ADMINS ?? "")
    .split(/[,\s]+/)
    .map((raw) => raw.trim())
    .filter((raw) => raw !== "")
    .map((raw) => {
      const m = /^(slack|discord):(.+)$/i.exec(raw);
      const platform = m?.[1]?.toLowerCase();
      return platform === "slack" || platform === "discord" ? { platform, id: m?.[2] ?? "" } : { id: raw };
    });
}

export function isConfiguredAdmin(env: Env, user: ChatUserRef): boolean {
  return configuredAdmins(env).some((a) => a.id === user.id && (!a.platform || a.platform === user.platform));
}

/**
 * A self-service command about the actor: `ooo` and `back` with the person left out or named
 * themselves; `me …` is always about the one who runs it.
 */
function isSelf(command: Command, actor: ChatUserRef): boolean {
  if (!specFor(command.name).selfService) return false;
  const user = "user" in command ? command.user : undefined;
  return user === undefined || (user.platform === actor.platform && user.id === actor.id);
}

export async function authorize(command: Command, ctx: CommandContext): Promise<Access> {
  if (!specFor(command.name).mutates || onlyShows(command)) return { allowed: true, via: "open" };
  if (isSelf(command, ctx.actor)) return { allowed: true, via: "self" };
  if (isConfiguredAdmin(ctx.env, ctx.actor)) return { allowed: true, via: "configured" };
  const state = await settings(ctx.env, ctx.tenant).adminState(ctx.actor);
  if (state.isLead) return { allowed: true, via: "lead" };
  if (state.leads.length === 0 && configuredAdmins(ctx.env).length === 0) {
    return { allowed: true, via: "first-run" };
  }
  if (await platformAdmin(ctx)) return { allowed: true, via: "platform" };
  return { allowed: false, reply: refusal(command, state.leads, ctx) };
}

/**
 * Whether the actor is a chat admin in their own right — listed, a lead, or a platform admin — for
 * what outlives the command (a dashboard session's role). The first-run rule does not count here:
 * "anyone until an admin is set" is for setting up in chat, not for an admin session on the web.
 */
export async function isChatAdmin(ctx: CommandContext): Promise<boolean> {
  if (isConfiguredAdmin(ctx.env, ctx.actor)) return true;
  if ((await settings(ctx.env, ctx.tenant).adminState(ctx.actor)).isLead) return true;
  return platformAdmin(ctx);
}

async function platformAdmin(ctx: CommandContext): Promise<boolean> {
  try {
    return (await ctx.platformAdmin()) === true;
  } catch (err) {
    logger("commands").warn("platform admin check failed", {
      correlationId: ctx.correlationId,
      tenant: ctx.tenant,
      error: String(err),
    });
    return false;
  }
}

function refusal(command: Command, leads: ChatUserRef[], ctx: CommandContext): Reply {
  const words = specFor(command.name).path.join(" ");
  const text =
    command.name === "ooo" || command.name === "back"
      ? `Only chat admins can mark someone else ${command.name === "ooo" ? "out of office" : "back"}.`
      : `${code(`/foreman ${words}`)} changes settings: it needs chat admin rights.`;
  const lines = [`Chat admins are ${ADMIN_KINDS}.`];
  if (command.name === "ooo" || command.name === "back") {
    lines.push(`Anyone can mark themselves: ${code(`/foreman ${command.name}`)}.`);
  }
  if (leads.length > 0)
    lines.push(
      `Ask a lead: ${leads
        .slice(0, 5)
        .map((l) => who(l, ctx.place))
        .join(", ")}.`,
    );
  return reply(text, { tone: "warning", title: "Not allowed", sections: [{ text, lines }] });
}

/** `digest filter` without options only shows this channel's filters: anyone may. */
function onlyShows(command: Command): boolean {
  if (command.name !== "digest.filter") return false;
  const { drafts, approvals, minAge, labels, ignoreLabels, empty, reset } = command;
  return !reset && [drafts, approvals, minAge, labels, ignoreLabels, empty].every((v) => v === undefined);
}
