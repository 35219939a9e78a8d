/**
 * Recording and revoking an install, in the order that keeps a tenant's data safe:
 *
 * - Install: the Directory binds the account to the tenant first (refused when another tenant has
 *   it), then the tenant's Outbox takes the sealed credential, then the chat workspace (Slack team,
 *   Discord guild) is bound so commands from it act on the tenant.
 * - Revoke: the Outbox forgets the credential first — the very next delivery is refused — then the
 *   Directory marks the install revoked (kept, so `/foreman setup` can say what happened).
 *
 * Audit entries are written by the callers (they know who acted; src/agents/coordinator/audit.ts).
 */

import type { ChatPlatform } from "../chat/platform";
import { outbox } from "../delivery/stub";
import type { Env } from "../env";
import { forgetChatTenant } from "./chat-tenant";
import { type SecretBundle, sealSecret } from "./credential-seal";
import type { Installation, InstallPlatform, NewInstallation } from "./installations";
import { directory } from "./stub";

export interface InstallInput extends NewInstallation {
  /** The token to keep sealed (Slack, Linear); none for GitHub and Discord. */
  secret?: SecretBundle;
  /** GitHub: the repositories the installation covers. */
  repos?: string[];
  /** Chat workspaces to bind to the tenant (a Slack team, a Discord guild). */
  chat?: { platform: ChatPlatform; workspaceId: string }[];
  /** The host the install request reached (sealing with the dev-only key is allowed on localhost only). */
  hostname: string | null;
}

export type InstallOutcome =
  | { recorded: true; installation: Installation }
  /** The account is installed for another tenant: nothing was changed. */
  | { recorded: false; installation: Installation };

export async function recordInstall(env: Env, input: InstallInput): Promise<InstallOutcome> {
  const { platform, account, tenant, name, installer, details } = input;
  // Sealed before anything is written: without a usable key the install stops here, unrecorded.
  const sealed = input.secret
    ? await sealSecret(env, input.hostname, { platform, tenant, account }, input.secret)
    : null;
  const dir = directory(env);
  const recorded = await dir.recordInstallation({ platform, account, tenant, name, installer, details });
  if (recorded.boundElsewhere) return { recorded: false, installation: recorded.installation };
  if (platform !== "discord") {
    const repos = input.repos ? { repos: input.repos } : {};
    await outbox(env, tenant).putCredential({ platform, account, sealed, details, ...repos });
  }
  for (const chat of input.chat ?? []) {
    await dir.bindChat(chat.platform, chat.workspaceId, tenant);
    forgetChatTenant(chat.platform, chat.workspaceId);
  }
  return { recorded: true, installation: recorded.installation };
}

/**
 * The platform says the install is gone (uninstalled, tokens revoked, installation deleted): its
 * token is forgotten at once. Null when Foreman never knew the account (nothing to do).
 */
export async function revokeInstall(
  env: Env,
  platform: InstallPlatform,
  account: string,
  reason: string,
): Promise<Installation | null> {
  const dir = directory(env);
  const known = await dir.installation(platform, account);
  if (!known) return null;
  if (platform !== "discord") await outbox(env, known.tenant).revokeCredential(platform, account, reason);
  return dir.revokeInstallation(platform, account, reason);
}
