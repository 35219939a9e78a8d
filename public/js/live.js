// The dashboard's live channel (issue 19, docs/api.md "Live"): one WebSocket to GET /api/live. The
// server sends only {"type":"changed","topics":[…]} (no data); the page refetches what it shows.
// Signed in by a chat link, the session cookie goes along (same origin); with an API key, which a
// WebSocket cannot send as a header, a single-use ticket from POST /api/live/ticket goes in the query.
// Reconnects with backoff (1 s doubling to 30 s, with jitter); the indicator says which state it is in.
import { api } from "./api.js";

const PING_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

/** @type {WebSocket | null} */
let socket = null;
let generation = 0;
let failures = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let retryTimer;
/** @type {ReturnType<typeof setInterval> | undefined} */
let pingTimer;

/**
 * @param {string} state "connecting" | "live" | "offline"
 */
function show(state) {
  const badge = document.getElementById("live");
  if (!badge) return;
  badge.hidden = state === "off";
  badge.dataset.state = state;
  badge.textContent =
    state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Offline: retrying";
  badge.title =
    state === "live"
      ? "Views update as changes arrive"
      : "Not receiving changes; use Refresh or wait for the connection";
}

/**
 * Opens (or re-opens) the channel.
 * @param {{ withTicket: boolean, onChange: (topics: string[]) => void }} options
 *   withTicket: signed in with an API key (ask for a ticket first); onChange: a change, or a
 *   reconnect after a drop (all topics, as changes may have been missed).
 */
export function startLive(options) {
  stopLive();
  const mine = ++generation;
  failures = 0;
  void open(mine, options, false);
}

/** Closes the channel and hides the indicator (sign-out). */
export function stopLive() {
  generation++;
  clearTimeout(retryTimer);
  clearInterval(pingTimer);
  if (socket) {
    socket.onclose = null;
    socket.close(1000, "signed out");
    socket = null;
  }
  show("off");
}

/**
 * @param {number} mine
 * @param {{ withTicket: boolean, onChange: (topics: string[]) => void }} options
 * @param {boolean} again
 */
async function open(mine, options, again) {
  show("connecting");
  const url = new URL("/api/live", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  try {
    if (options.withTicket) {
      const answer = /** @type {{ ticket: string }} */ (await api("POST", "/api/live/ticket"));
      url.searchParams.set("ticket", answer.ticket);
    }
  } catch {
    if (mine === generation) retry(mine, options);
    return;
  }
  if (mine !== generation) return;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    failures = 0;
    show("live");
    clearInterval(pingTimer);
    pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), PING_MS);
    if (again) options.onChange(["reviews", "team", "overview"]);
  };
  ws.onmessage = (event) => {
    if (typeof event.data !== "string" || event.data === "pong") return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message?.type === "changed" && Array.isArray(message.topics)) options.onChange(message.topics);
  };
  ws.onclose = () => {
    clearInterval(pingTimer);
    if (mine === generation) retry(mine, options);
  };
}

/**
 * @param {number} mine
 * @param {{ withTicket: boolean, onChange: (topics: string[]) => void }} options
 */
function retry(mine, options) {
  show("offline");
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** failures);
  failures++;
  const wait = base / 2 + Math.random() * (base / 2);
  retryTimer = setTimeout(() => {
    if (mine === generation) void open(mine, options, true);
  }, wait);
}
