/**
 * The tenant's ops channel (`/foreman link ops`): where alerts of the scheduled health check go
 * (src/alerts/alerts.ts). One per tenant, kept in TenantSettings' SQLite; linking another
 * channel moves it there.
 */

import { type ChannelRef, sameChannel } from "../chat/platform";
import { NotFoundError } from "../platform/errors";
import { first, run } from "../platform/sql";
import { bySchema, channelSchema, check } from "./validate";

export interface OpsLink {
  channel: ChannelRef;
  setBy: string;
  setAt: string;
}

type OpsRow = { platform: string; workspace_id: string; channel_id: string; set_by: string; set_at: string };

export class OpsChannelStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ops_channel (
      id INTEGER PRIMARY KEY CHECK (id = 1), platform TEXT NOT NULL, workspace_id TEXT NOT NULL,
      channel_id TEXT NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL)`);
  }

  get(): OpsLink | null {
    const row = first<OpsRow>(this.sql, "SELECT * FROM ops_channel WHERE id = 1");
    if (!row) return null;
    const platform = row.platform === "discord" ? "discord" : "slack";
    return {
      channel: { platform, workspaceId: row.workspace_id, channelId: row.channel_id },
      setBy: row.set_by,
      setAt: row.set_at,
    };
  }

  /** Validates and stores `channel` as the ops channel (throws ValidationError naming the field). */
  put(channel: ChannelRef, by: string): OpsLink {
    const link: OpsLink = {
      channel: check(channelSchema, channel, "channel"),
      setBy: check(bySchema, by, "by"),
      setAt: new Date().toISOString(),
    };
    run(
      this.sql,
      `INSERT OR REPLACE INTO ops_channel (id, platform, workspace_id, channel_id, set_by, set_at)
       VALUES (1, ?, ?, ?, ?, ?)`,
      link.channel.platform,
      link.channel.workspaceId,
      link.channel.channelId,
      link.setBy,
      link.setAt,
    );
    return link;
  }

  clear(): void {
    run(this.sql, "DELETE FROM ops_channel");
  }

  /** Stops alerts to `channel` and answers the link it was; 404 if it is not the ops channel. */
  clearIn(channel: ChannelRef): OpsLink {
    const current = this.get();
    if (!current || !sameChannel(current.channel, channel)) {
      throw new NotFoundError("This channel is not the ops channel");
    }
    this.clear();
    return current;
  }
}
