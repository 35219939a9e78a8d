/**
 * `link`, `unlink`, `links`: channel <-> GitHub repository / Linear team, in TenantSettings. A link
 * is *active* once a delivery about it, signed with the tenant's own secret, has arrived; until then
 * `link` and `links` say it is waiting and give the exact webhook steps (webhook-steps.ts). `link`
 * answers only the admin who ran it: the first one makes the tenant's webhook and shows its secret once.
 */

import { literal } from "../../chat/markup";
import { linkButtonId, type Reply, type ReplySection, reply } from "../../chat/reply";
import { capped } from "../../chat/text";
import { outbox } from "../../delivery/stub";
import { logger } from "../../observability/logger";
import { EncryptionKeyError, errorMessage } from "../../platform/errors";
import type { ChannelLink, LinkKind } from "../../settings/model";
import { webhookOverview } from "../../settings/webhook-overview";
import { askerOf, ensureHook } from "../../tenants/hooks";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey, channel, code, sameChannelAs, who } from "./format";
import { appInstallUrl, appSlug, credentialsOf, describeInstalls, MENU_SIZE, repoMenu } from "./github-app";
import { callMeta, channelOf, need, problem, tenantCoordinator, tenantSettings } from "./shared";
import { type Setup, setupSteps, stateLine, WAITING } from "./webhook-steps";

const KIND: Record<LinkKind, string> = { github: "GitHub", linear: "Linear" };
const describe = (kind: LinkKind, target: string) => `${KIND[kind]} **${literal(target)}**`;
const linkLine = (l: ChannelLink) => `${KIND[l.kind]} ${code(l.target)}`;

const NEXT: Record<LinkKind, string> = {
  github: "Once it is active, reviewers are assigned and review SLAs kept here.",
  linear:
    "Once it is active, its issues follow their pull requests (In Review, Done) and state changes are noted here.",
};

const NO_KEY =
  "Foreman cannot make a webhook secret for this team: whoever runs Foreman must first set the TOKEN_ENCRYPTION_KEY secret, which is missing or not valid (32 random bytes, base64: `openssl rand -base64 32`).";

/**
 * The tenant's webhook for `kind`; `create`: make it (and its secret, shown once) if there is none.
 * Without an encryption key nothing can be made: `problem` says so.
 */
async function webhookSetup(ctx: CommandContext, kind: LinkKind, create: boolean): Promise<Setup> {
  const asker = askerOf(ctx.env, ctx.requestUrl);
  let secret: string | null = null;
  let problemText: string | null = null;
  if (create) {
    try {
      secret = (await ensureHook(ctx.env, ctx.tenant, kind, asker)).secret;
    } catch (err) {
      if (!(err instanceof EncryptionKeyError)) throw err;
      problemText = NO_KEY;
    }
  }
  const overview = await webhookOverview(ctx.env, ctx.tenant, kind, asker);
  return { kind, overview, secret, problem: problemText, origin: asker.origin };
}

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
      error: errorMessage(err),
    });
    return ["Standing agents could not be started now; the first webhook starts them."];
  }
}

/**
 * Answered to the admin alone (ephemeral): it may carry the webhook secret. `app`: the events come
 * through an install (the GitHub App's installation, the Linear application), so there is no webhook
 * to set up and none is made.
 */
async function link(kind: LinkKind, target: string, ctx: CommandContext, app?: string): Promise<Reply> {
  const store = tenantSettings(ctx);
  const result = need(await store.link(kind, target, channelOf(ctx), actorKey(ctx.actor)));
  const t = result.link.target;
  const what = describe(kind, t);
  const elsewhere = result.elsewhere.map((c) => `Also linked in ${channel(c, ctx.place)}`);
  const standing = await startStandingAgents(ctx);
  const setup = app ? null : await webhookSetup(ctx, kind, true);
  const text = result.created
    ? `Linked ${what} to this channel.`
    : `${what} was already linked to this channel.`;
  const state = app
    ? result.activeSince
      ? `Active: events for ${code(t)} arrive through ${app}.`
      : `Events for ${code(t)} come through ${app}: nothing to set up. It shows as active from the first one.`
    : stateLine(kind, t, result.activeSince);
  const sections: ReplySection[] = [{ text, lines: [state, NEXT[kind], ...elsewhere, ...standing] }];
  if (setup && (!result.activeSince || setup.secret)) {
    sections.push({ title: `Set up the ${KIND[kind]} webhook`, lines: setupSteps(setup, t) });
  }
  if (result.created) {
    const here = await store.linksForChannel(channelOf(ctx));
    sections.push({ title: "Linked to this channel", lines: capped(here.map(linkLine), 20) });
  }
  return reply(text, {
    tone: result.created ? "success" : "info",
    title: "Links",
    sections,
    footer: `${result.created ? `Linked by ${who(ctx.actor, ctx.place)}. ` : ""}Undo: \`/foreman unlink ${kind} ${literal(t)}\``,
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

/**
 * With live GitHub App installations, a repository none of them covers is refused (nothing could be
 * read or sent for it); a covered one, or a tenant without the App (webhook path), links as usual.
 */
export async function linkGithub(c: CommandOf<"link.github">, ctx: CommandContext): Promise<Reply> {
  if (c.repo === undefined) return pickRepository(ctx);
  const credential = await outbox(ctx.env, ctx.tenant).credentialFor("github", c.repo);
  if (credential.state === "uncovered") return uncovered(c.repo, ctx);
  if (credential.state === "active" && githubAppConfigured(ctx)) {
    const account = credential.details.account;
    const on = typeof account === "string" ? ` on ${literal(account)}` : "";
    return link("github", c.repo, ctx, `the GitHub App's installation${on}`);
  }
  return link("github", c.repo, ctx);
}

/** The deployment has a GitHub App (its installations send the events); else the webhook path. */
const githubAppConfigured = (ctx: CommandContext) =>
  Boolean(ctx.env.GITHUB_APP_ID?.trim() && ctx.env.GITHUB_APP_PRIVATE_KEY?.trim());

async function uncovered(repo: string, ctx: CommandContext): Promise<Reply> {
  const live = (await credentialsOf(ctx, "github")).filter((i) => i.revokedAt === null);
  const slug = appSlug(ctx);
  const text = `GitHub **${literal(repo)}** is not covered by this team's GitHub App, so it was not linked.`;
  return reply(text, {
    tone: "warning",
    title: "Links",
    sections: [
      {
        text,
        lines: [
          `The App is installed on ${describeInstalls(live)}; Foreman can read and comment only on the repositories an installation covers.`,
          "Add the repository to the installation on GitHub (the account's Settings → GitHub Apps → Configure → Repository access), then link it again.",
        ],
      },
    ],
    buttons: slug
      ? [{ action: linkButtonId("github-app"), label: "Add it on GitHub", url: appInstallUrl(slug) }]
      : [],
    footer: `Then: \`/foreman link github ${literal(repo)}\`. \`/foreman link github\` lists the covered repositories.`,
  });
}

/** `link github` without a repository: a menu of the covered ones, or how to name one. */
async function pickRepository(ctx: CommandContext): Promise<Reply> {
  const { select, more } = await repoMenu(ctx);
  if (!select) {
    const live = (await credentialsOf(ctx, "github")).filter((i) => i.revokedAt === null);
    const text = live.length
      ? "Every repository the GitHub App covers is linked here already, or it covers none yet."
      : "Name the repository to link.";
    return reply(text, {
      title: "Links",
      sections: [{ text, lines: ["`/foreman link github owner/repo`"] }],
    });
  }
  const text = "Pick a repository the GitHub App covers to link it to this channel.";
  const lines = [
    more
      ? `The menu shows the first ${MENU_SIZE}; type any other: \`/foreman link github owner/repo\`.`
      : "Or type it: `/foreman link github owner/repo`.",
  ];
  return reply(text, { title: "Links", sections: [{ text, lines }], select });
}
/** With the organisation's Linear install (OAuth), its events come through the application's webhook. */
export async function linkLinear(c: CommandOf<"link.linear">, ctx: CommandContext): Promise<Reply> {
  const credential = await outbox(ctx.env, ctx.tenant).credentialFor("linear", null);
  const viaApp = credential.state === "active" && Boolean(ctx.env.LINEAR_CLIENT_ID?.trim());
  return link("linear", c.teamKey, ctx, viaApp ? "Foreman's Linear application" : undefined);
}
export const unlinkGithub = (c: CommandOf<"unlink.github">, ctx: CommandContext) =>
  unlink("github", c.repo, ctx);
export const unlinkLinear = (c: CommandOf<"unlink.linear">, ctx: CommandContext) =>
  unlink("linear", c.teamKey, ctx);

export async function links(_command: CommandOf<"links">, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const [all, activations] = await Promise.all([store.links(), store.linkActivations()]);
  const active = new Set(activations.map((a) => `${a.kind}:${a.target}`));
  const isWaiting = (l: ChannelLink) => !active.has(`${l.kind}:${l.target}`);
  const line = (l: ChannelLink) => (isWaiting(l) ? `${linkLine(l)} — ${WAITING}` : linkLine(l));
  const here = all.filter((l) => sameChannelAs(l.channel, ctx.place));
  const others = all.filter((l) => !sameChannelAs(l.channel, ctx.place));
  const text = here.length
    ? `This channel: ${here.map((l) => `${KIND[l.kind]} ${literal(l.target)}`).join(", ")}.`
    : "Nothing is linked to this channel.";
  const sections: ReplySection[] = [
    {
      title: "This channel",
      lines: here.length
        ? here.map(line)
        : ["Link one: `/foreman link github owner/repo` or `/foreman link linear TEAM`"],
    },
  ];
  if (others.length) {
    sections.push({
      title: "Other channels",
      lines: capped(
        others.map((l) => `${line(l)} — ${channel(l.channel, ctx.place)}`),
        20,
      ),
    });
  }
  // The steps for one waiting link of each platform (the same for every repository / team of it).
  for (const kind of ["github", "linear"] as const) {
    const waiting = all.find((l) => l.kind === kind && isWaiting(l));
    if (!waiting) continue;
    const setup = await webhookSetup(ctx, kind, false);
    sections.push({
      title: `Set up the ${KIND[kind]} webhook (${WAITING})`,
      lines: setupSteps(setup, waiting.target),
    });
  }
  return reply(text, { title: "Links", sections });
}
