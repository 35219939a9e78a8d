/**
 * `team import`'s reads for a Slack workspace (src/commands/context.ts `DirectoryReads`): GitHub
 * through the two functions it is given (the GitHub client), Slack with the tenant's own bot token
 * (`users.lookupByEmail`, then `users.info` for the zone). Answers are checked with zod; Slack's
 * `users_not_found` is "no such user", any other failure a `DirectoryReadError`.
 */

import { z } from "zod";
import type { DirectoryPerson, DirectoryReads, GithubAccount } from "../../commands/context";
import { DirectoryReadError } from "../../commands/directory-errors";
import type { Env } from "../../env";
import { errorMessage } from "../../platform/errors";
import { tenantToken } from "../../tenants/tenant-token";
import { renewForReads } from "../token-refresh";

export interface GithubDirectory {
  /** Member logins of `org`'s team `team`; throws `TeamNotFoundError` when GitHub has no such team. */
  listTeamMembers(org: string, team: string): Promise<string[]>;
  getUser(login: string): Promise<GithubAccount>;
}

const slackUser = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  real_name: z.string().optional(),
  tz: z.string().nullable().optional(),
  profile: z
    .looseObject({ display_name: z.string().optional(), real_name: z.string().optional() })
    .optional(),
});
const slackAnswer = z.looseObject({
  ok: z.boolean(),
  error: z.string().optional(),
  user: slackUser.optional(),
});
type SlackUser = z.infer<typeof slackUser>;

const DEFAULT_SLACK_API = "https://slack.com/api";
const TIMEOUT_MS = 8_000;

/** The bot token of the tenant's workspace, or why there is none. */
async function botToken(env: Env, tenant: string): Promise<string> {
  const token = await tenantToken(env, tenant, "slack", renewForReads(env));
  if (token.kind === "token") return token.token;
  if (token.kind === "revoked") {
    throw new DirectoryReadError("slack", `Foreman's Slack install was removed (${token.reason})`);
  }
  throw new DirectoryReadError("slack", "Foreman has no Slack token for this workspace");
}

async function slackGet(env: Env, token: string, method: string, query: Record<string, string>) {
  const base = (env.SLACK_API_URL?.trim() || DEFAULT_SLACK_API).replace(/\/+$/, "");
  const url = `${base}/${method}?${new URLSearchParams(query).toString()}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new DirectoryReadError("slack", `Slack ${method} failed: ${errorMessage(err)}`);
  }
  if (!res.ok) throw new DirectoryReadError("slack", `Slack ${method} answered HTTP ${res.status}`);
  const parsed = slackAnswer.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new DirectoryReadError("slack", `Slack ${method} answered something unexpected`);
  return parsed.data;
}

const nameOf = (u: SlackUser): string | null =>
  u.profile?.display_name?.trim() ||
  u.real_name?.trim() ||
  u.profile?.real_name?.trim() ||
  u.name?.trim() ||
  null;

/** The Slack user with `email` in the workspace of `token`, with the zone of their profile. */
async function slackUserByEmail(env: Env, token: string, email: string): Promise<DirectoryPerson | null> {
  const found = await slackGet(env, token, "users.lookupByEmail", { email });
  if (!found.ok) {
    if (found.error === "users_not_found") return null;
    throw new DirectoryReadError("slack", `Slack users.lookupByEmail: ${found.error ?? "failed"}`);
  }
  if (!found.user) return null;
  let user = found.user;
  // The zone as the profile has it now (users.info); the lookup's copy when that read fails.
  const info = await slackGet(env, token, "users.info", { user: user.id }).catch(() => null);
  if (info?.ok && info.user) user = { ...user, ...info.user };
  return { id: user.id, tz: user.tz ?? null, name: nameOf(user) };
}

/** The reads for one Slack tenant, within one request: its bot token is looked up once, when first needed. */
export function slackDirectoryReads(env: Env, tenant: string, github: GithubDirectory): DirectoryReads {
  let token: Promise<string> | undefined;
  return {
    teamMembers: (org, team) => github.listTeamMembers(org, team),
    githubUser: (login) => github.getUser(login),
    async slackUserByEmail(email) {
      token ??= botToken(env, tenant);
      return slackUserByEmail(env, await token, email);
    },
  };
}
