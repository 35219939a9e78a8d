/**
 * `/foreman setup`: the checklist of what makes Foreman work for a team — the chat install, the
 * GitHub App, Linear, the repositories of this channel, the team, SLA and digest — each step with
 * what it does, where it stands, and how to do (or redo) it. `setupChecklist` is also sent to the
 * installer after an install and shown on the Slack Home tab.
 */

import { literal } from "../../chat/markup";
import {
  linkButtonId,
  type Reply,
  type ReplyButton,
  type ReplySection,
  type ReplySelect,
  reply,
} from "../../chat/reply";
import { plural } from "../../chat/text";
import { outbox } from "../../delivery/stub";
import type { SlaRule } from "../../domain/sla";
import type { SettingsSummary } from "../../settings/model";
import { askerOf } from "../../tenants/hooks";
import type { Installation, OAuthPurpose } from "../../tenants/installations";
import { newOAuthState } from "../../tenants/oauth-state";
import { directory } from "../../tenants/stub";
import type { CommandContext } from "../context";
import { authorize } from "../permissions";
import type { CommandOf } from "../types";
import { actorKey, code, describeSchedule } from "./format";
import { type AppInstall, appInstalls, appSlug, describeInstalls, repoMenu } from "./github-app";
import { channelOf, tenantSettings } from "./shared";
import { ruleLine } from "./sla";

const DONE = "✓";
const TODO = "○";
const day = (iso: string) => iso.slice(0, 10);

interface Step {
  section: ReplySection;
  done: boolean;
  buttons?: ReplyButton[];
  select?: ReplySelect;
}

interface Gathered {
  ctx: CommandContext;
  origin: string | null;
  admin: boolean;
  installs: Installation[];
  /** This channel's settings as the checklist reads them: its links and its digest. */
  summary: SettingsSummary;
}

/** A one-time, tenant-bound install link (admins only), or null when Foreman's address is unknown. */
async function connectLink(g: Gathered, purpose: OAuthPurpose): Promise<string | null> {
  if (!g.origin || !g.admin) return null;
  const state = await newOAuthState(g.ctx.env, {
    purpose,
    tenant: g.ctx.tenant,
    createdBy: actorKey(g.ctx.actor),
  });
  return `${g.origin}/${purpose}/install?state=${encodeURIComponent(state)}`;
}

const linkButton = (name: string, label: string, url: string): ReplyButton => ({
  action: linkButtonId(name),
  label,
  url,
});

/** Step 1: the chat install of this workspace (Slack) or server (Discord). */
async function chatStep(g: Gathered): Promise<Step> {
  const { ctx } = g;
  const platform = ctx.place.platform;
  const label = platform === "slack" ? "Slack" : "Discord";
  const mine = g.installs.filter((i) => i.platform === platform);
  const here = mine.find((i) => i.account === ctx.place.workspaceId) ?? mine[0];
  const what = `Foreman answers commands and posts cards and digests in this ${platform === "slack" ? "workspace" : "server"}.`;
  const title = (done: boolean) => `1. ${label} ${done ? DONE : TODO}`;
  if (here && here.revokedAt === null) {
    const by = here.installer ? ` by ${code(here.installer)}` : "";
    const name = here.name ? `**${literal(here.name)}**` : code(here.account);
    return {
      done: true,
      section: {
        title: title(true),
        lines: [`Installed in ${name}${by} on ${day(here.installedAt)}.`, what],
      },
    };
  }
  const url =
    platform === "slack" ? (g.origin ? `${g.origin}/slack/install` : null) : await connectLink(g, "discord");
  const buttons = url ? [linkButton(`${platform}-install`, `Reinstall ${label}`, url)] : [];
  if (here) {
    const why = here.revokedReason ? ` (${literal(here.revokedReason)})` : "";
    return {
      done: false,
      buttons,
      section: {
        title: title(false),
        lines: [
          `Removed on ${day(here.revokedAt ?? here.updatedAt)}${why}: Foreman sends nothing here until it is installed again.`,
          url ? "Reinstall it with the button below." : "An admin can reinstall it with `/foreman setup`.",
        ],
      },
    };
  }
  const deployment = platform === "slack" ? ctx.env.SLACK_BOT_TOKEN : ctx.env.DISCORD_BOT_TOKEN;
  const lines = deployment?.trim()
    ? [`Running with this deployment's own ${label} bot.`, what]
    : [what, url ? `Install it: the button below.` : `Not installed for this team yet.`];
  return {
    done: Boolean(deployment?.trim()),
    buttons: deployment?.trim() ? [] : buttons.map((b) => ({ ...b, label: `Install ${label}` })),
    section: { title: title(Boolean(deployment?.trim())), lines },
  };
}

/** Step 2: the GitHub App (or, on a deployment without one, webhooks and GITHUB_TOKEN). */
async function githubStep(g: Gathered, apps: AppInstall[]): Promise<Step> {
  const what = "Foreman reads pull requests and reviews, assigns reviewers and comments through it.";
  const live = apps.filter((a) => a.revokedAt === null);
  if (live.length) {
    const repos = live.reduce((n, a) => n + a.repos, 0);
    return {
      done: true,
      section: {
        title: `2. GitHub App ${DONE}`,
        lines: [
          `Installed on ${describeInstalls(live)}: ${plural(repos, "repository", "repositories")} in all.`,
          what,
          "More repositories: add them to the installation on GitHub.",
        ],
      },
    };
  }
  const slug = appSlug(g.ctx);
  if (!slug) {
    return {
      done: false,
      section: {
        title: `2. GitHub ${TODO}`,
        lines: [
          "This deployment has no GitHub App: each repository sends its events through a webhook, and Foreman calls GitHub with the deployment's GITHUB_TOKEN.",
          "`/foreman link github owner/repo` links a repository to this channel and shows the webhook steps.",
        ],
      },
    };
  }
  const url = await connectLink(g, "github");
  const revoked = apps.find((a) => a.revokedAt !== null);
  const gone = revoked
    ? [`The installation on **${literal(revoked.name)}** was removed on ${day(revoked.revokedAt ?? "")}.`]
    : [];
  return {
    done: false,
    buttons: url ? [linkButton("github-install", "Connect GitHub", url)] : [],
    section: {
      title: `2. GitHub App ${TODO}`,
      lines: [
        ...gone,
        what,
        url
          ? "Connect GitHub with the button below and pick the repositories (the link works once, for 15 minutes)."
          : "A chat admin can connect it with `/foreman setup`.",
      ],
    },
  };
}

/** Step 3: Linear (optional). */
async function linearStep(g: Gathered, orgs: AppInstall[]): Promise<Step> {
  const live = orgs.filter((o) => o.revokedAt === null);
  const what = "Optional: Linear issues follow their pull requests (In Review, Done).";
  if (live.length) {
    const names = live.map((o) => `**${literal(o.name)}**`).join(", ");
    return { done: true, section: { title: `3. Linear ${DONE}`, lines: [`Connected to ${names}.`, what] } };
  }
  if (g.ctx.env.LINEAR_API_KEY?.trim()) {
    return {
      done: true,
      section: { title: `3. Linear ${DONE}`, lines: ["Using this deployment's Linear API key.", what] },
    };
  }
  // Optional: it never counts as a step left. Offered only where the deployment has a Linear app.
  if (!g.ctx.env.LINEAR_CLIENT_ID?.trim()) {
    return {
      done: true,
      section: {
        title: "3. Linear (optional, skipped)",
        lines: [what, "This Foreman has no Linear application (LINEAR_CLIENT_ID) nor a Linear API key."],
      },
    };
  }
  const url = await connectLink(g, "linear");
  return {
    done: true,
    buttons: url ? [linkButton("linear-install", "Connect Linear", url)] : [],
    section: {
      title: "3. Linear (optional)",
      lines: [what, url ? "Connect it with the button below, or skip it." : "Skip it, or ask a chat admin."],
    },
  };
}

/** Step 4: this channel's repositories, with a menu of the covered ones not linked here. */
async function repoStep(g: Gathered): Promise<Step> {
  const here = g.summary.channelLinks.filter((l) => l.kind === "github");
  const menu = g.admin ? await repoMenu(g.ctx, g.summary.channelLinks) : { select: null, more: false };
  const lines = [
    here.length
      ? `Linked here: ${here.map((l) => code(l.target)).join(", ")}.`
      : "No repository is linked to this channel yet.",
    "Pull requests of linked repositories get reviewers, SLA reminders and the digest here.",
    menu.select
      ? "Pick one from the menu below to link it, or `/foreman link github owner/repo`."
      : "Link one: `/foreman link github owner/repo`.",
  ];
  return {
    done: here.length > 0,
    section: { title: `4. Repositories in this channel ${here.length ? DONE : TODO}`, lines },
    ...(menu.select ? { select: menu.select } : {}),
  };
}

/** Step 5: the team (people with their GitHub logins). */
async function teamStep(g: Gathered): Promise<Step> {
  const team = await tenantSettings(g.ctx).team();
  const onSlack = team.filter((m) => m.user.platform === "slack").length;
  const lines = [
    team.length
      ? `${plural(team.length, "person", "people")} on the team, ${onSlack} with a Slack user.`
      : "No one on the team yet: reviewers are picked from the team.",
    "Import a GitHub team (matched by public email): `/foreman team import github:<org>/<team>`.",
    "Or add people one by one: `/foreman team add @person github:login`.",
  ];
  return { done: team.length > 0, section: { title: `5. Team ${team.length ? DONE : TODO}`, lines } };
}

/** Step 6: review SLA and this channel's digest (both have defaults). */
async function rhythmStep(g: Gathered): Promise<Step> {
  const rules = await tenantSettings(g.ctx).slaRules();
  const { summary } = g;
  const shown = rules.slice(0, 3).map((r: SlaRule) => ruleLine(r));
  const lines = [
    `Review SLA: ${shown.join(" · ")}${rules.length > 3 ? ` (and ${rules.length - 3} more)` : ""}. Change it: \`/foreman sla set <hours>\`.`,
    summary.digest
      ? `Digest here: ${describeSchedule(summary.digest, g.ctx.now)}. Change it: \`/foreman digest schedule 09:30\`.`
      : "No digest in this channel yet: `/foreman digest schedule 09:30 Europe/Berlin`.",
  ];
  return { done: true, section: { title: `6. SLA and digest ${DONE}`, lines } };
}

export async function setupChecklist(ctx: CommandContext): Promise<Reply> {
  const [installs, credentials, access, summary] = await Promise.all([
    directory(ctx.env).installationsOf(ctx.tenant),
    outbox(ctx.env, ctx.tenant).credentials(),
    authorize({ name: "link.github" }, ctx),
    tenantSettings(ctx).summary(channelOf(ctx), ctx.now.toISOString()),
  ]);
  const g: Gathered = {
    ctx,
    origin: askerOf(ctx.env, ctx.requestUrl).origin,
    admin: access.allowed,
    installs,
    summary,
  };
  const steps = await Promise.all([
    chatStep(g),
    githubStep(g, appInstalls(credentials, installs, "github")),
    linearStep(g, appInstalls(credentials, installs, "linear")),
    repoStep(g),
    teamStep(g),
    rhythmStep(g),
  ]);
  const select = steps.find((s) => s.select)?.select;
  const open = steps.filter((s) => !s.done).length;
  const text = open
    ? `Foreman setup: ${plural(open, "step")} left.`
    : "Foreman is set up here: every step is done.";
  const done: ReplySection = {
    title: open ? `7. Done ${TODO}` : `7. Done ${DONE}`,
    lines: [
      open
        ? "Do the steps marked ○; each can be redone at any time, and `/foreman setup` shows where things stand."
        : "Every step can be redone at any time. `/foreman status` is the daily overview; `/foreman help` lists every command.",
    ],
  };
  return reply(text, {
    title: "Setup",
    tone: open ? "info" : "success",
    sections: [{ text }, ...steps.map((s) => s.section), done],
    buttons: steps.flatMap((s) => s.buttons ?? []),
    ...(select ? { select } : {}),
  });
}

export const setup = (_command: CommandOf<"setup">, ctx: CommandContext) => setupChecklist(ctx);
