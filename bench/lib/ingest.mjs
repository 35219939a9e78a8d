/**
 * GitHub webhook ingest under load, and the check that nothing was lost or doubled.
 *
 * `uniqueDeliveries` sends `amount` signed `pull_request` deliveries, each with its own
 * X-GitHub-Delivery and PR number; `replays` sends one delivery id over and over. Every answer is
 * recorded by delivery id (status and Foreman's `status` field: accepted / duplicate).
 * `deliveryLog` reads the tenant Coordinator's `webhook_deliveries` table through Miniflare (there is
 * no API listing it), and `checkLog` compares it with what was sent: every accepted delivery recorded
 * exactly once and published into the agents' inboxes, nothing recorded that was not sent. A delivery
 * cut off by the end of a timed run (no answer) may or may not be recorded; either is fine.
 */
import { drive, withTimeout } from "./load.mjs";
import { githubDelivery } from "./signing.mjs";

function outcomeOf(status, body) {
  if (status !== 200) return `http ${status}`;
  try {
    return JSON.parse(body).status ?? "no status";
  } catch {
    return "not json";
  }
}

/**
 * Unique deliveries, PR numbers from `firstPr`, over `connections`: exactly `amount` of them, or as
 * many as `duration` seconds take (then the last ones may end without an answer: `unanswered`).
 */
export async function uniqueDeliveries({ origin, connections, amount, duration, firstPr }) {
  let next = 0;
  const answers = new Map();
  const sentIds = [];
  const requests = [
    {
      setupRequest: (req, context) => {
        const n = next++;
        const { deliveryId, request } = githubDelivery(firstPr + n);
        context.deliveryId = deliveryId;
        sentIds.push(deliveryId);
        return { ...req, ...request };
      },
      onResponse: (status, body, context) => {
        answers.set(context.deliveryId, outcomeOf(status, body));
      },
    },
  ];
  const run = await drive({ url: origin, connections, ...(amount ? { amount } : { duration }), requests });
  const unanswered = sentIds.filter((id) => !answers.has(id));
  return { run, sent: next, sentIds, unanswered, answers, tally: tally(answers.values()) };
}

/** The same delivery (already accepted once) sent `amount` times (or for `duration` seconds). */
export async function replays({ origin, connections, amount, duration, delivery }) {
  const outcomes = [];
  const requests = [
    {
      ...delivery.request,
      onResponse: (status, body) => {
        outcomes.push(outcomeOf(status, body));
      },
    },
  ];
  const run = await drive({ url: origin, connections, ...(amount ? { amount } : { duration }), requests });
  return { run, tally: tally(outcomes) };
}

/** The Durable Object class of each standing agent type that takes webhook events (its inbox). */
export const INBOX_CLASSES = {
  "review-manager": "ReviewManagerAgent",
  "linear-state": "LinearStateAgent",
  "integration-dashboard": "IntegrationDashboardAgent",
};

export function tally(values) {
  const counts = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** The tenant's recorded GitHub deliveries: id -> { rows, status }. */
export async function deliveryLog(server, tenant = "default") {
  const storage = await server.mf.unsafeGetDurableObjectStorage(server.name, "Coordinator", { name: tenant });
  const query = storage.exec(
    "SELECT delivery_id AS id, COUNT(*) AS n, MIN(status) AS status FROM webhook_deliveries WHERE source = 'github' GROUP BY delivery_id",
  );
  const rows = await withTimeout(query, 15_000, "reading the Coordinator's delivery log");
  return new Map(rows.map((r) => [String(r.id), { rows: Number(r.n), status: String(r.status) }]));
}

/**
 * Compares the log with the answers. Waits (up to `waitMs`) for accepted deliveries still `pending`
 * (handed off, not yet in every inbox) to be published.
 * @returns {{ accepted: number, recorded: number, missing: string[], doubled: string[],
 *   unpublished: string[], unknown: string[] }}
 */
export async function checkLog(server, answers, { waitMs = 20_000, alsoAccepted = [], alsoSent = [] } = {}) {
  const accepted = [...answers].filter(([, o]) => o === "accepted").map(([id]) => id);
  accepted.push(...alsoAccepted);
  const deadline = Date.now() + waitMs;
  let log;
  let unpublished;
  for (;;) {
    log = await deliveryLog(server);
    unpublished = accepted.filter((id) => log.get(id) && log.get(id).status !== "published");
    if (unpublished.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const sentIds = new Set([...answers.keys(), ...alsoAccepted, ...alsoSent]);
  return {
    accepted: accepted.length,
    recorded: log.size,
    missing: accepted.filter((id) => !log.has(id)),
    doubled: [...log].filter(([, v]) => v.rows !== 1).map(([id]) => id),
    unpublished,
    unknown: [...log.keys()].filter((id) => !sentIds.has(id)),
  };
}

/** Message ids in an agent's inbox (all states) and how often each occurs. */
export async function inboxCounts(server, className, agentId) {
  const storage = await server.mf.unsafeGetDurableObjectStorage(server.name, className, { name: agentId });
  const rows = await withTimeout(
    storage.exec("SELECT message_id AS id, COUNT(*) AS n FROM inbox GROUP BY message_id"),
    15_000,
    `reading the inbox of ${agentId}`,
  );
  return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
}

/** Messages waiting in an agent's inbox. */
export async function pendingCount(server, className, agentId) {
  const storage = await server.mf.unsafeGetDurableObjectStorage(server.name, className, { name: agentId });
  const rows = await withTimeout(
    storage.exec("SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')"),
    15_000,
    `reading the inbox of ${agentId}`,
  );
  return Number(rows[0]?.n ?? 0);
}
