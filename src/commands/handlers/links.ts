/** `link`, `unlink`, `links`: channel <-> GitHub repository / Linear team, in TenantSettings. */
import { logger } from "../../observability/logger";
import type { ChannelLink, LinkKind } from "../../settings/model";
import type { CommandContext } from "../context";
import { literal } from "../markup";
import { type Reply, reply } from "../reply";
import type { CommandOf } from "../types";
import { actorKey, capped, channel, code, sameChannelAs, who } from "./format";
import { callMeta, channelOf, need, problem, tenantCoordinator, tenantSettings } from "./shared";

const KIND: Record<LinkKind, string> = { github: "GitHub", linear: "Linear" };
const describe = (kind: LinkKind, target: string) => `${KIND[kind]} **${literal(target)}**`;
const linkLine = (l: ChannelLink) => `${KIND[l.kind]} ${code(l.target)}`;

const NEXT: Record<LinkKind, string> = {
  github:
    "Reviewers are assigned and review SLAs kept here as soon as the repository's GitHub webhook points at `/api/webhooks/github` (see docs/webhooks.md).",
  linear:
    "Its issues follow their pull requests (In Review, Done) and state changes are noted here once the Linear webhook points at `/api/webhooks/linear`.",
};

/**
 * The first link starts the tenant's standing agents (idempotent: later links find them). A failure
 * does not undo the link: the first webhook delivery starts them too.
 */
async function startStandingAgents(ctx: CommandContext): Promise<string[]> {
  try {
    const outcome = await tenantCoordinator(ctx).standingAgents(ctx.tenant, callMeta(ctx));
    if (outcome.ok) return [];
    return [
      `Standing agents could not be started (${literal(outcome.error.message)}); the first webhook starts them.`,
    ];
  } catch (err) {
    logger("commands").error("standing agents not started", {
      tenant: ctx.tenant,
      correlationId: ctx.correlationId,
      error: err instanceof Error ? err.message : String(err),
    });
    return ["Standing agents could not be started now; the first webhook starts them."];
  }
}

async function link(kind: LinkKind, target: string, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const result = need(await store.link(kind, target, channelOf(ctx), actorKey(ctx.actor)));
  const what = describe(kind, result.link.target);
  const elsewhere = result.elsewhere.map((c) => `Also linked in ${channel(c, ctx.place)}`);
  const standing = await startStandingAgents(ctx);
  if (!result.created) {
    const text = `${what} was already linked to this channel.`;
    return reply(text, { title: "Links", sections: [{ text, lines: [...elsewhere, ...standing] }] });
  }
  const here = await store.linksForChannel(channelOf(ctx));
  const text = `Linked ${what} to this channel.`;
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Links",
    sections: [
      { text, lines: [NEXT[kind], ...elsewhere, ...standing] },
      { title: "Linked to this channel", lines: capped(here.map(linkLine), 20) },
    ],
    footer: `Linked by ${who(ctx.actor, ctx.place)}. Undo: /foreman unlink ${kind} ${literal(result.link.target)}`,
  });
}

async function unlink(kind: LinkKind, target: string, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const outcome = await store.unlink(kind, target, channelOf(ctx));
  if (!outcome.ok) {
    if (outcome.error.status !== 404) return problem(literal(outcome.error.message));
    const where = await store.linksForTarget(kind, target);
    const lines = where.length
      ? [`It is linked in ${where.map((l) => channel(l.channel, ctx.place)).join(", ")}: unlink it there.`]
      : ["`/foreman links` shows what is linked."];
    return problem(`${describe(kind, target)} is not linked to this channel.`, lines);
  }
  const { removed, elsewhere } = outcome.value;
  const here = await store.linksForChannel(channelOf(ctx));
  const text = `Unlinked ${describe(kind, removed.target)} from this channel.`;
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: "Links",
    sections: [
      {
        text,
        lines: elsewhere.length
          ? [`Still linked in ${elsewhere.map((c) => channel(c, ctx.place)).join(", ")}.`]
          : [],
      },
      {
        title: "Linked to this channel",
        lines: here.length ? capped(here.map(linkLine), 20) : ["Nothing any more."],
      },
    ],
    footer: `Unlinked by ${who(ctx.actor, ctx.place)}.`,
  });
}

export const linkGithub = (c: CommandOf<"link.github">, ctx: CommandContext) => link("github", c.repo, ctx);
export const linkLinear = (c: CommandOf<"link.linear">, ctx: CommandContext) =>
  link("linear", c.teamKey, ctx);
export const unlinkGithub = (c: CommandOf<"unlink.github">, ctx: CommandContext) =>
  unlink("github", c.repo, ctx);
export const unlinkLinear = (c: CommandOf<"unlink.linear">, ctx: CommandContext) =>
  unlink("linear", c.teamKey, ctx);

export async function links(_command: CommandOf<"links">, ctx: CommandContext): Promise<Reply> {
  const all = await tenantSettings(ctx).links();
  const here = all.filter((l) => sameChannelAs(l.channel, ctx.place));
  const others = all.filter((l) => !sameChannelAs(l.channel, ctx.place));
  const text = here.length
    ? `This channel: ${here.map((l) => `${KIND[l.kind]} ${literal(l.target)}`).join(", ")}.`
    : "Nothing is linked to this channel.";
  const sections = [
    {
      title: "This channel",
      lines: here.length
        ? here.map(linkLine)
        : ["Link one: `/foreman link github owner/repo` or `/foreman link linear TEAM`"],
    },
  ];
  if (others.length) {
    sections.push({
      title: "Other channels",
      lines: capped(
        others.map((l) => `${linkLine(l)} — ${channel(l.channel, ctx.place)}`),
        20,
      ),
    });
  }
  return reply(text, { title: "Links", sections });
}
