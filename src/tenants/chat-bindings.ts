/** The Directory's bindings of chat workspaces (Slack team, Discord guild) to tenants. */

import type { ChatPlatform } from "../chat/platform";
import { all, first, run } from "../platform/sql";

/** A chat workspace (Slack team id, Discord guild id) bound to a tenant. */
export interface ChatBinding {
  platform: ChatPlatform;
  workspaceId: string;
  tenant: string;
  createdAt: string;
}

type BindingRow = { platform: string; workspace_id: string; tenant: string; created_at: string };
const toBinding = (r: BindingRow): ChatBinding => ({
  platform: r.platform === "discord" ? "discord" : "slack",
  workspaceId: r.workspace_id,
  tenant: r.tenant,
  createdAt: r.created_at,
});

export function ensureChatBindingTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS chat_bindings (platform TEXT NOT NULL, workspace_id TEXT NOT NULL,
    tenant TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (platform, workspace_id))`);
}

/** Binds a workspace to a tenant, replacing an earlier binding; answers the binding and the old tenant. */
export function bindChat(
  sql: SqlStorage,
  platform: ChatPlatform,
  workspaceId: string,
  tenant: string,
  now: string,
): { binding: ChatBinding; previousTenant: string | null } {
  const previous = chatTenantOf(sql, platform, workspaceId);
  if (previous !== tenant) {
    run(
      sql,
      "INSERT OR REPLACE INTO chat_bindings (platform, workspace_id, tenant, created_at) VALUES (?, ?, ?, ?)",
      platform,
      workspaceId,
      tenant,
      now,
    );
  }
  const row = first<BindingRow>(
    sql,
    "SELECT * FROM chat_bindings WHERE platform = ? AND workspace_id = ?",
    platform,
    workspaceId,
  );
  const binding = row ? toBinding(row) : { platform, workspaceId, tenant, createdAt: now };
  return { binding, previousTenant: previous === tenant ? null : previous };
}

export function chatTenantOf(sql: SqlStorage, platform: ChatPlatform, workspaceId: string): string | null {
  const row = first<{ tenant: string }>(
    sql,
    "SELECT tenant FROM chat_bindings WHERE platform = ? AND workspace_id = ?",
    platform,
    workspaceId,
  );
  return row?.tenant ?? null;
}

/** Bindings of one tenant, or of all when `tenant` is omitted. */
export function chatBindings(sql: SqlStorage, tenant?: string): ChatBinding[] {
  const order = "ORDER BY platform, workspace_id";
  const rows = tenant
    ? all<BindingRow>(sql, `SELECT * FROM chat_bindings WHERE tenant = ? ${order}`, tenant)
    : all<BindingRow>(sql, `SELECT * FROM chat_bindings ${order}`);
  return rows.map(toBinding);
}
