/**
 * The tenant's GitHub App installations as commands show them: which accounts, how many
 * repositories, and a menu of the repositories they cover (`link github`, `/foreman setup`).
 */

import { encodeAction, MAX_ACTION_LENGTH } from "../../chat/actions";
import { literal } from "../../chat/markup";
import type { ReplySelect } from "../../chat/reply";
import { plural } from "../../chat/text";
import type { CredentialInfo } from "../../delivery/credentials";
import { outbox } from "../../delivery/stub";
import type { ChannelLink } from "../../settings/model";
import type { Installation } from "../../tenants/installations";
import { directory } from "../../tenants/stub";
import type { CommandContext } from "../context";
import { channelOf, tenantSettings } from "./shared";

/** At most this many repositories in a menu (Slack's limit; Discord shows the first 25). */
export const MENU_SIZE = 100;

export interface AppInstall {
  account: string;
  /** The GitHub account (organisation or user) it is installed on, as GitHub named it. */
  name: string;
  repos: number;
  revokedAt: string | null;
  revokedReason: string | null;
}

const named = (c: CredentialInfo, installs: readonly Installation[]): string => {
  const fromDetails = c.details.account;
  if (typeof fromDetails === "string" && fromDetails.trim()) return fromDetails;
  const install = installs.find((i) => i.platform === c.platform && i.account === c.account);
  return install?.name ?? `installation ${c.account}`;
};

/** The tenant's installs of `platform` as its Outbox keeps them (live and revoked), named. */
export async function credentialsOf(
  ctx: CommandContext,
  platform: CredentialInfo["platform"],
): Promise<AppInstall[]> {
  const [credentials, installs] = await Promise.all([
    outbox(ctx.env, ctx.tenant).credentials(),
    directory(ctx.env).installationsOf(ctx.tenant),
  ]);
  return appInstalls(credentials, installs, platform);
}

/** The installs of `platform` among the Outbox's credentials, named from the Directory's installations. */
export function appInstalls(
  credentials: readonly CredentialInfo[],
  installs: readonly Installation[],
  platform: CredentialInfo["platform"],
): AppInstall[] {
  return credentials
    .filter((c) => c.platform === platform)
    .map((c) => ({
      account: c.account,
      name: named(c, installs),
      repos: c.repos,
      revokedAt: c.revokedAt,
      revokedReason: c.revokedReason,
    }));
}

/** `acme (12 repositories), octo (1 repository)`: outside names, inert. */
export const describeInstalls = (installs: readonly AppInstall[]): string =>
  installs.map((i) => `**${literal(i.name)}** (${plural(i.repos, "repository", "repositories")})`).join(", ");

/** Where an admin adds repositories to the App's installation (GitHub asks which account). */
export const appInstallUrl = (slug: string) =>
  `https://github.com/apps/${encodeURIComponent(slug)}/installations/new`;

/** The App's slug on this deployment, or null when it has no GitHub App (webhooks + GITHUB_TOKEN). */
export const appSlug = (ctx: CommandContext): string | null => ctx.env.GITHUB_APP_SLUG?.trim() || null;

/**
 * A menu of the repositories the tenant's live installations cover and this channel has not
 * linked yet (at most MENU_SIZE); `more`: there are more than the menu shows. `linkedHere`: this
 * channel's links when the caller has them already.
 */
export async function repoMenu(
  ctx: CommandContext,
  linkedHere?: readonly ChannelLink[],
): Promise<{ select: ReplySelect | null; more: boolean }> {
  const [covered, here] = await Promise.all([
    outbox(ctx.env, ctx.tenant).coveredRepos("", MENU_SIZE + 1),
    linkedHere ?? tenantSettings(ctx).linksForChannel(channelOf(ctx)),
  ]);
  const linked = new Set(here.filter((l) => l.kind === "github").map((l) => l.target.toLowerCase()));
  const more = covered.length > MENU_SIZE;
  const options = covered
    .slice(0, MENU_SIZE)
    .filter((repo) => !linked.has(repo.toLowerCase()))
    .map((repo) => ({ repo, action: `fm1:link.github:${repo}` }))
    .filter((o) => o.action.length <= MAX_ACTION_LENGTH)
    .map((o) => ({ label: literal(o.repo), action: encodeAction("link.github", o.repo) }));
  if (options.length === 0) return { select: null, more };
  return {
    select: { id: "fm1:select:link.github", placeholder: "Link a repository to this channel", options },
    more,
  };
}
