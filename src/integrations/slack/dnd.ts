/**
 * Do Not Disturb of Slack users, for direct messages that wait it out (`DeliveryRequest.holdWhileDnd`,
 * asked by the delivery consumer through `PlatformSenders.dndUntil`).
 *
 * `dnd.info` (`GET {SLACK_API_URL}/dnd.info?user=…` with the bot token, scope `dnd:read`) answers a
 * user's scheduled window (`dnd_enabled`, `next_dnd_start_ts`, `next_dnd_end_ts`, epoch seconds). Slack
 * shows the `snooze_*` fields only when the user asked about is the caller, so for a bot they are
 * usually absent; they count when present. Answers are kept per user in this isolate for 60 s, and
 * `dnd_updated_user` / `dnd_updated` events replace them at once (`noteDndUpdated`).
 *
 * Never holds a message on a check that failed: no token (demo mode), a network error, an HTTP error
 * or `{ok: false}` (e.g. `missing_scope`) answer null, with a warning.
 */
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import type { ClientDeps } from "../../platform/http-client";
import { describe, isRecord, joinUrl, readBody, send } from "../../platform/http-client";
import { DEFAULT_SLACK_API_URL } from "./client";

/** How long an answer (from `dnd.info` or an event) stands for a user. */
export const DND_CACHE_TTL_MS = 60_000;
/** Users remembered at most; the least recently answered go first. */
export const DND_CACHE_MAX_USERS = 2_000;
/** A check that takes longer than this is given up (the message is sent). */
const DND_TIMEOUT_MS = 5_000;

/** A user's DND settings as Slack states them, in epoch ms (null: not stated). */
export interface DndStatus {
  dndEnabled: boolean;
  nextStartMs: number | null;
  nextEndMs: number | null;
  /** When an active snooze ends; null when not snoozed (or not shown). */
  snoozeEndMs: number | null;
}

const log = logger("slack.dnd");
const cache = new Map<string, { status: DndStatus; atMs: number }>();

/** Reads Slack's `dnd_status` (an event) or a `dnd.info` answer; null when it is not one. */
export function parseDndStatus(value: unknown): DndStatus | null {
  if (!isRecord(value) || typeof value.dnd_enabled !== "boolean") return null;
  const ms = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v * 1000 : null);
  return {
    dndEnabled: value.dnd_enabled,
    nextStartMs: ms(value.next_dnd_start_ts),
    nextEndMs: ms(value.next_dnd_end_ts),
    snoozeEndMs: value.snooze_enabled === true ? ms(value.snooze_endtime) : null,
  };
}

/** When the DND that `status` describes ends, if the user is in it at `nowMs`; else null. */
export function dndEndOf(status: DndStatus, nowMs: number): number | null {
  const ends: number[] = [];
  if (status.snoozeEndMs !== null && status.snoozeEndMs > nowMs) ends.push(status.snoozeEndMs);
  const start = status.nextStartMs;
  const end = status.nextEndMs;
  // Inside the window: it has started, or the next start lies past the next end (one under way).
  if (status.dndEnabled && start !== null && end !== null && end > nowMs && (start <= nowMs || start > end)) {
    ends.push(end);
  }
  return ends.length > 0 ? Math.max(...ends) : null;
}

function remember(userId: string, status: DndStatus, atMs: number): void {
  cache.delete(userId);
  cache.set(userId, { status, atMs });
  for (const oldest of cache.keys()) {
    if (cache.size <= DND_CACHE_MAX_USERS) break;
    cache.delete(oldest);
  }
}

function cached(userId: string, nowMs: number): DndStatus | null {
  const entry = cache.get(userId);
  if (!entry) return null;
  if (Math.abs(nowMs - entry.atMs) < DND_CACHE_TTL_MS) return entry.status;
  cache.delete(userId);
  return null;
}

/**
 * A `dnd_updated_user` / `dnd_updated` event: its `dnd_status` replaces what is known of the user
 * (the same fields `dnd.info` gives a bot). A status that cannot be read forgets the user instead,
 * so the next check asks Slack.
 */
export function noteDndUpdated(userId: string, dndStatus: unknown, nowMs: number = Date.now()): void {
  const status = parseDndStatus(dndStatus);
  if (status) remember(userId, status, nowMs);
  else cache.delete(userId);
}

/** `PlatformSenders.dndUntil` for Slack: when `userId`'s DND ends if they are in it at `nowMs`, else null. */
export async function dndUntil(
  env: Env,
  deps: ClientDeps,
  userId: string,
  nowMs: number,
  /** The token the held message goes out with (a workspace's install); default the deployment's. */
  token: string | undefined = env.SLACK_BOT_TOKEN?.trim(),
): Promise<number | null> {
  const known = cached(userId, nowMs);
  if (known) return dndEndOf(known, nowMs);
  if (!token) return null;
  const answer = await dndInfo(env, deps, token, userId);
  if (typeof answer === "string") {
    log.warn("slack.dnd_check_failed", { user: userId, error: answer });
    return null;
  }
  remember(userId, answer, nowMs);
  return dndEndOf(answer, nowMs);
}

/** Slack's `dnd.info` for one user: their status, or why it could not be had. */
async function dndInfo(
  env: Env,
  deps: ClientDeps,
  token: string,
  userId: string,
): Promise<DndStatus | string> {
  const base = env.SLACK_API_URL?.trim() || DEFAULT_SLACK_API_URL;
  const url = `${joinUrl(base, "dnd.info")}?${new URLSearchParams({ user: userId })}`;
  const init: RequestInit = {
    method: "GET",
    headers: { Authorization: `Bearer ${token}` },
    redirect: "manual",
    signal: AbortSignal.timeout(DND_TIMEOUT_MS),
  };
  const res = await send(deps.fetch, url, init, [token]);
  if (!(res instanceof Response)) return `dnd.info: ${"error" in res ? res.error : "no answer"}`;
  const body = await readBody(res);
  if (res.status < 200 || res.status >= 300) return `dnd.info: HTTP ${res.status} ${describe(body)}`.trim();
  if (!isRecord(body.json) || body.json.ok !== true) {
    const code = isRecord(body.json) && typeof body.json.error === "string" ? body.json.error : "no ok field";
    return `dnd.info: slack error: ${code}`;
  }
  return parseDndStatus(body.json) ?? "dnd.info: no dnd_enabled in the answer";
}
