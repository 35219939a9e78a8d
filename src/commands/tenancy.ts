/**
 * Which tenant a chat workspace acts on: the Directory's binding for the Slack team / Discord guild
 * (`POST /api/tenants/:id/chat`), else the default tenant (FOREMAN_DEFAULT_TENANT, `default`).
 */
import type { Env } from "../env";
import { directory } from "../rpc";
import { defaultTenant } from "../tenancy";
import type { ChatPlatform } from "./context";

export async function resolveChatTenant(
  env: Env,
  platform: ChatPlatform,
  workspaceId: string,
): Promise<string> {
  const id = workspaceId.trim();
  if (id === "") return defaultTenant(env);
  return (await directory(env).chatTenant(platform, id)) ?? defaultTenant(env);
}
