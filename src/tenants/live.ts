/**
 * Live: one small Durable Object per tenant that holds the dashboard's WebSockets (issue 19, ADR 19).
 *
 * - Sockets are accepted with the Hibernation API (`ctx.acceptWebSocket`): an idle dashboard costs
 *   no duration, and `ping` is answered by the runtime (`setWebSocketAutoResponse`) without waking us.
 * - `changed(topics)` is called by whatever changed what the dashboard shows (the webhook hand-off,
 *   the Review Manager, the team). With nobody connected it answers at once and writes nothing. Else
 *   it sends `{"type":"changed","topics":[…]}` — no data, the page refetches what it shows — to every
 *   socket, at most once per `COALESCE_MS`: changes within that second are merged and sent by the alarm.
 * - Tickets: `POST /api/live/ticket` gives an API-key user a single-use, 60-second ticket to put in the
 *   upgrade's query (`?ticket=<tenant>.<secret>`); only its SHA-256 is kept here, so a ticket names its
 *   tenant and only that tenant's object can redeem it.
 *
 * Nothing here reads or counts rows of the tenant's data: a broadcast is O(connected sockets).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { sha256Hex } from "../platform/crypto";
import { destroyObject } from "../platform/destroy";
import { type Remote, remote } from "../platform/rpc";
import { randomToken } from "./keys";

export const LIVE_TOPICS = ["reviews", "team", "overview"] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** At most one broadcast per tenant in this window; changes inside it are merged. */
const COALESCE_MS = 1_000;
const TICKET_TTL_MS = 60_000;
/** A tenant's dashboards, at most; one more is refused (the page retries with backoff). */
const MAX_SOCKETS = 500;
/** Set by the Worker on a request it has authenticated (the object is reachable only through it). */
export const LIVE_AUTHORIZED = "X-Foreman-Live-Authorized";

const TICKET_SHAPE = /^([a-z0-9][a-z0-9-]{0,62})\.([A-Za-z0-9_-]{43})$/;
const PENDING_KEY = "pending";

export function live(env: Env, tenant: string): Remote<Live> {
  return remote<Live>(env.LIVE.getByName(tenant));
}

/** The tenant a ticket names, or null when it is not shaped like one of ours. */
export function ticketTenant(ticket: string | undefined | null): string | null {
  return ticket ? (TICKET_SHAPE.exec(ticket)?.[1] ?? null) : null;
}

/**
 * Tells the tenant's open dashboards that `topics` changed. Never throws: a dashboard that misses a
 * change refetches on its next one or on reconnect, and no caller should fail for it.
 */
export async function liveChanged(env: Env, tenant: string, topics: LiveTopic[]): Promise<void> {
  try {
    await live(env, tenant).changed(topics);
  } catch (err) {
    logger("live").warn("live notification failed", { tenant, error: String(err) });
  }
}

export class Live extends DurableObject<Env> {
  /** When the last broadcast went out (lost on hibernation: then the next one goes at once). */
  private lastSentMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS live_tickets (hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
      );
    });
  }

  /** The upgrade: authorized by the Worker (session or key) or by a ticket this object issued. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const authorized =
      request.headers.get(LIVE_AUTHORIZED) === "1" ||
      (await this.redeem(new URL(request.url).searchParams.get("ticket")));
    if (!authorized) return new Response("Unknown, used or expired ticket", { status: 401 });
    if (this.ctx.getWebSockets().length >= MAX_SOCKETS) {
      return new Response("Too many live dashboards for this tenant", { status: 429 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(JSON.stringify({ type: "hello", topics: LIVE_TOPICS }));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** A single-use ticket for the upgrade (`<tenant>.<secret>`), good for `TICKET_TTL_MS`. */
  async issueTicket(tenant: string): Promise<{ ticket: string; expiresAt: string }> {
    const now = Date.now();
    const secret = randomToken();
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM live_tickets WHERE expires_at <= ?", now);
    sql.exec(
      "INSERT INTO live_tickets (hash, expires_at) VALUES (?, ?)",
      await sha256Hex(secret),
      now + TICKET_TTL_MS,
    );
    return { ticket: `${tenant}.${secret}`, expiresAt: new Date(now + TICKET_TTL_MS).toISOString() };
  }

  /** Tenant deletion: closes the tenant's sockets, wipes the tickets and any alarm (src/platform/destroy.ts). */
  async destroy(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1008, "tenant deleted");
      } catch {
        // already closing
      }
    }
    await destroyObject(this.ctx);
  }

  /** Dashboards connected now (tests, health). */
  async connections(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  /** Something the dashboard shows changed: broadcast now, or merge into the one due within a second. */
  async changed(topics: LiveTopic[]): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) return;
    const wanted = topics.filter((t) => (LIVE_TOPICS as readonly string[]).includes(t));
    if (wanted.length === 0) return;
    const pending = new Set([...((await this.ctx.storage.get<LiveTopic[]>(PENDING_KEY)) ?? []), ...wanted]);
    const alarm = await this.ctx.storage.getAlarm();
    const now = Date.now();
    if (alarm === null && now - this.lastSentMs >= COALESCE_MS) {
      this.broadcast([...pending], now);
      return;
    }
    await this.ctx.storage.put(PENDING_KEY, [...pending]);
    if (alarm === null) await this.ctx.storage.setAlarm(this.lastSentMs + COALESCE_MS);
  }

  override async alarm(): Promise<void> {
    const pending = (await this.ctx.storage.get<LiveTopic[]>(PENDING_KEY)) ?? [];
    await this.ctx.storage.delete(PENDING_KEY);
    if (pending.length > 0) this.broadcast(pending, Date.now());
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // The page sends only "ping" (answered by the runtime); anything else is answered the same way.
    if (message !== "ping") ws.send(JSON.stringify({ type: "error", message: "send only ping" }));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    try {
      ws.close(1011, "error");
    } catch {
      // already closed
    }
  }

  private broadcast(topics: string[], now: number): void {
    this.lastSentMs = now;
    const message = JSON.stringify({
      type: "changed",
      topics: LIVE_TOPICS.filter((t) => topics.includes(t)),
    });
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // a socket closing right now: its close handler cleans up
      }
    }
  }

  private async redeem(ticket: string | null): Promise<boolean> {
    const secret = ticket ? TICKET_SHAPE.exec(ticket)?.[2] : undefined;
    if (!secret) return false;
    const rows = this.ctx.storage.sql
      .exec<{ expires_at: number }>(
        "DELETE FROM live_tickets WHERE hash = ? RETURNING expires_at",
        await sha256Hex(secret),
      )
      .toArray();
    return rows.length === 1 && (rows[0]?.expires_at ?? 0) > Date.now();
  }
}
