/**
 * Part of `npm run test:load`: a backlog of 10,000 webhook deliveries is drained while new ones
 * arrive, and nothing is lost or doubled (issue 17). Against `npm start`'s code path (the deploy
 * bundle on workerd, fresh state), the standing agents paused so their inboxes can be read whole.
 *
 * The backlog is written straight into the tenant Coordinator's `webhook_deliveries` table, with its
 * own schema, as `pending` rows carrying a real event (one the Worker parsed from a signed delivery):
 * what the table holds when deliveries were recorded faster than they could be published (10,000
 * signed deliveries would take minutes to send here). Then 300 signed unique deliveries arrive over
 * 16 connections while the Coordinator drains: every one is answered "accepted" (the ack does not
 * wait for the backlog), and in the end every delivery, old and new, is recorded once, published,
 * and in each subscribing agent's inbox exactly once. No timing assertion: the waits are bounds.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { INBOX_CLASSES, tally, uniqueDeliveries } from "../../bench/lib/ingest.mjs";
import { withTimeout } from "../../bench/lib/load.mjs";
import { benchVars, send, setAgents, setUpTenant } from "../../bench/lib/setup.mjs";
import { discordKeyPair, githubDelivery } from "../../bench/lib/signing.mjs";
import { startForemanTarget } from "../../bench/lib/targets.mjs";

const BACKLOG = 10_000;
const NEW = 300;
const TENANT = "default";
/** Upper bound for the drain (it takes seconds; a loaded CI machine gets room). */
const DRAIN_BOUND_MS = 240_000;

let foreman;

before(async () => {
  foreman = await startForemanTarget({ vars: benchVars(discordKeyPair().publicKeyHex) });
  await setUpTenant(foreman.origin);
});

after(async () => {
  await foreman?.close();
});

async function sql(className, name, query, ...bindings) {
  const storage = await foreman.mf.unsafeGetDurableObjectStorage(foreman.name, className, { name });
  return withTimeout(storage.exec(query, ...bindings), 60_000, `${className} ${name}: ${query.slice(0, 60)}`);
}

test("a backlog of 10,000 deliveries drains while new ones arrive: none lost, none doubled", {
  timeout: 420_000,
}, async (t) => {
  const agents = (await setAgents(foreman.origin, "pause")).filter((a) => a.type in INBOX_CLASSES);
  assert.equal(agents.length, 3, `standing agents: ${agents.map((a) => a.type).join(", ")}`);
  const manager = agents.find((a) => a.type === "review-manager");

  // A real event, as the Worker parsed it from a signed delivery and the Coordinator published it.
  const first = githubDelivery(1);
  const firstAnswer = await send(foreman.origin, first.request);
  assert.match(firstAnswer.text, /"accepted"/);
  let payload;
  for (let i = 0; i < 100 && !payload; i++) {
    const rows = await sql(
      INBOX_CLASSES["review-manager"],
      manager.agentId,
      "SELECT payload FROM inbox WHERE message_id LIKE ?",
      `${first.deliveryId}:%`,
    );
    payload = rows[0]?.payload;
    if (!payload) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(payload, "the first delivery never reached the Review Manager's inbox");
  const events = JSON.stringify([{ index: 0, event: JSON.parse(String(payload)).data }]);

  // The backlog: 10,000 pending rows in one statement.
  const now = Date.now();
  await sql(
    "Coordinator",
    TENANT,
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO webhook_deliveries (source, delivery_id, tenant, received_at, status, events, next_attempt_at)
       SELECT 'github', 'backlog-' || i, ?, ?, 'pending', ?, ? FROM n`,
    BACKLOG,
    TENANT,
    now,
    events,
    now,
  );
  const [{ n: seeded }] = await sql(
    "Coordinator",
    TENANT,
    "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'",
  );
  assert.equal(Number(seeded), BACKLOG);

  // New deliveries while it drains (the first of them starts the drain).
  const started = Date.now();
  const fresh = await uniqueDeliveries({
    origin: foreman.origin,
    connections: 16,
    amount: NEW,
    firstPr: 700_000,
  });
  assert.deepEqual(fresh.tally, { accepted: NEW });
  assert.equal(fresh.run.non2xx + fresh.run.errors + fresh.run.timeouts, 0);

  // Everything published, once.
  const until = Date.now() + DRAIN_BOUND_MS;
  let statuses;
  for (;;) {
    const rows = await sql(
      "Coordinator",
      TENANT,
      "SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status",
    );
    statuses = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    if (!statuses.pending || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.deepEqual(statuses, { published: BACKLOG + NEW + 1 });
  t.diagnostic(`drained ${BACKLOG + NEW} deliveries within ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const [{ n: rows, d: ids }] = await sql(
    "Coordinator",
    TENANT,
    "SELECT COUNT(*) AS n, COUNT(DISTINCT delivery_id) AS d FROM webhook_deliveries",
  );
  assert.deepEqual([Number(rows), Number(ids)], [BACKLOG + NEW + 1, BACKLOG + NEW + 1]);
  const sent = new Set([...fresh.sentIds, first.deliveryId]);
  const recorded = await sql(
    "Coordinator",
    TENANT,
    "SELECT delivery_id AS id FROM webhook_deliveries WHERE delivery_id NOT LIKE 'backlog-%'",
  );
  assert.deepEqual(tally(recorded.map((r) => sent.has(String(r.id)))), { true: NEW + 1 });

  // Each subscribing agent's inbox: every event exactly once.
  for (const agent of agents) {
    const [{ n, d, backlog }] = await sql(
      INBOX_CLASSES[agent.type],
      agent.agentId,
      `SELECT COUNT(*) AS n, COUNT(DISTINCT message_id) AS d,
           SUM(CASE WHEN message_id LIKE 'backlog-%' THEN 1 ELSE 0 END) AS backlog FROM inbox`,
    );
    assert.deepEqual(
      [Number(n), Number(d), Number(backlog)],
      [BACKLOG + NEW + 1, BACKLOG + NEW + 1, BACKLOG],
      `${agent.type} inbox: ${n} messages, ${d} distinct, ${backlog} from the backlog`,
    );
  }
});
