/**
 * Seeding for the scale curves, straight into Durable Object storage through Miniflare (the agents'
 * own SQLite, the schema the product made): 100,000 PRs through webhooks would take far too long.
 *
 * `seedOpenPrs` copies the Review Manager's real open PRs (made by signed webhook deliveries) with
 * new ids and numbers, together with every row the agent keeps per PR (reviewers, assignment log,
 * policy decisions and facts, forecast rows, cards, the SLA and retry schedules), in multi-row
 * `INSERT … SELECT`s of `batch` copies per exec. The "me" user's reviews are given to other team
 * members in the copies, so `review mine` answers the same few PRs at every size. The running
 * counts (requests per person in 30 days, last request per person) are then counted again from the
 * log exactly as the agent counts them, so they stay consistent.
 *
 * `seedInboxes` copies one real pending delivery (agents paused) into the inbox of every agent that
 * holds it, and into the Coordinator's delivery log as published, with new delivery ids; each inbox's
 * depth counter is counted again afterwards.
 */
import { withTimeout } from "./load.mjs";

const EXEC_TIMEOUT_MS = 120_000;

/**
 * A Durable Object's storage, `exec(sql, ...bindings)` resolving to its rows. Only while the agents
 * are idle (or paused): Miniflare's proxy makes these calls synchronously (node waits in
 * Atomics.wait until workerd answers), and workerd writes the Worker's logs to a pipe only node
 * reads. If workerd logs more than the pipe holds meanwhile (agents busy with a backlog), each waits
 * on the other for ever; the timeout below cannot fire then. Seen here: the scale part hung this way
 * polling inboxes while the agents worked, so waits use the API (scale-measure.mjs `drained`).
 */
export async function storageOf(server, className, name) {
  const storage = await server.mf.unsafeGetDurableObjectStorage(server.name, className, { name });
  return {
    exec: (sql, ...bindings) =>
      withTimeout(storage.exec(sql, ...bindings), EXEC_TIMEOUT_MS, `SQL on ${className}`),
  };
}

const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;

/** Column names of `table` (empty when it has no rows: then there is nothing to copy). */
async function columnsOf(storage, table) {
  const rows = await storage.exec(`SELECT * FROM ${table} LIMIT 1`);
  return rows.length ? Object.keys(rows[0]) : [];
}

/** `INSERT OR IGNORE INTO table (cols) SELECT <override or x.col> FROM <from>`, after `cte`. */
async function copyRows(storage, cte, table, from, overrides, omit = []) {
  const cols = (await columnsOf(storage, table)).filter((c) => !omit.includes(c));
  if (cols.length === 0) return 0;
  const select = cols.map((c) => overrides[c] ?? `x.${c}`).join(", ");
  const rows = await storage.exec(
    `${cte} INSERT OR IGNORE INTO ${table} (${cols.join(", ")}) SELECT ${select} FROM ${from} RETURNING 1 AS one`,
  );
  return rows.length;
}

/** The Review Manager's open PRs now (count). */
export async function openPrCount(storage) {
  const [row] = await storage.exec("SELECT COUNT(*) AS n FROM review_prs WHERE state = 'open'");
  return Number(row?.n ?? 0);
}

/** The real PRs copies are made of: every open PR now, with repo and number. */
export async function templatePrs(storage) {
  return storage.exec("SELECT id, repo, number FROM review_prs WHERE state = 'open' ORDER BY id");
}

/**
 * Adds copies of `templates` until the Review Manager has `target` open PRs (or `deadline` passed:
 * then fewer). `state.copies` counts the copies made so far (numbers stay unique across calls).
 * Returns the PRs added and the rows written per table.
 */
export async function seedOpenPrs(
  storage,
  { templates, target, me, others, batch = 1000, state, deadline = Number.POSITIVE_INFINITY },
) {
  const open = await openPrCount(storage);
  const want = Math.max(0, target - open);
  const written = {};
  if (want === 0 || templates.length === 0) return { added: 0, written };
  const [{ top }] = await storage.exec("SELECT COALESCE(MAX(id), 0) AS top FROM review_prs");
  const idStart = Number(top) + 1;
  const numberBase = 10_000_000 + state.copies;
  const tpl = JSON.stringify(templates.map((t) => t.id));
  const subs = JSON.stringify(others.map((o) => o.toLowerCase()));
  const S = others.length;
  const T = templates.length;
  // The "me" user's review in a copy goes to another member (in turn); the login as the team has it.
  const isMe = (expr) => `${expr} = ${quote(me.toLowerCase())}`;
  const sub = `(SELECT value FROM json_each(${quote(subs)}) WHERE key = m.num % ${S})`;
  /** `key` (a login key), or the member standing in for "me" in this copy. */
  const remap = (key, otherwise = key) => `CASE WHEN ${isMe(key)} THEN ${sub} ELSE ${otherwise} END`;
  let made = 0;
  for (let a = 0; a < want && Date.now() < deadline; a += batch) {
    const b = Math.min(want, a + batch);
    made = b;
    const cte = `WITH RECURSIVE k(j) AS (SELECT ${a} UNION ALL SELECT j + 1 FROM k WHERE j < ${b - 1}),
      t(r, id) AS (SELECT key, value FROM json_each(${quote(tpl)})),
      m AS (SELECT ${idStart} + k.j AS nid, ${numberBase} + k.j AS num, tp.id AS tid, tp.number AS tnum,
              tp.repo AS trepo
            FROM k JOIN t ON t.r = (${state.copies} + k.j) % ${T} JOIN review_prs tp ON tp.id = t.id)`;
    const add = (table, n) => {
      written[table] = (written[table] ?? 0) + n;
    };
    add(
      "review_prs",
      await copyRows(storage, cte, "review_prs", "m JOIN review_prs x ON x.id = m.tid", {
        id: "m.nid",
        number: "m.num",
        title: "'Seeded change ' || m.num",
        url: "substr(x.url, 1, instr(x.url, '/pull/') + 5) || m.num",
      }),
    );
    // SLA and retry schedules first: they are found through the template's reviewer rows and keys.
    add(
      "schedules (sla)",
      await copyRows(
        storage,
        cte,
        "schedules",
        `m JOIN review_reviewers r ON r.pr_id = m.tid
         JOIN schedules x ON x.key = 'sla:' || m.trepo || '#' || m.tnum || ':' || r.login_key`,
        {
          id: `'sch_seed' || m.nid || '_' || ${remap("r.login_key")}`,
          key: `'sla:' || m.trepo || '#' || m.num || ':' || ${remap("r.login_key")}`,
          payload: `json_set(x.payload, '$.number', m.num, '$.login', ${remap("r.login_key")})`,
        },
      ),
    );
    add(
      "schedules (retry)",
      await copyRows(storage, cte, "schedules", "m JOIN schedules x ON x.key = 'retry:' || m.tid", {
        id: "'sch_seedr' || m.nid",
        key: "'retry:' || m.nid",
        payload: "json_set(x.payload, '$.prId', m.nid)",
      }),
    );
    add(
      "review_reviewers",
      await copyRows(storage, cte, "review_reviewers", "m JOIN review_reviewers x ON x.pr_id = m.tid", {
        pr_id: "m.nid",
        login_key: remap("x.login_key"),
        login: remap("x.login_key", "x.login"),
      }),
    );
    add(
      "review_log",
      await copyRows(
        storage,
        cte,
        "review_log",
        "m JOIN review_log x ON x.pr_id = m.tid",
        { pr_id: "m.nid", login_key: remap("x.login_key") },
        ["seq"],
      ),
    );
    for (const table of ["policy_decisions", "policy_pr_facts", "forecast_activity"]) {
      add(
        table,
        await copyRows(storage, cte, table, `m JOIN ${table} x ON x.pr_id = m.tid`, { pr_id: "m.nid" }),
      );
    }
    add(
      "forecast_requests",
      await copyRows(storage, cte, "forecast_requests", "m JOIN forecast_requests x ON x.pr_id = m.tid", {
        pr_id: "m.nid",
        login_key: remap("x.login_key"),
      }),
    );
    add(
      "forecast_samples",
      await copyRows(storage, cte, "forecast_samples", "m JOIN forecast_samples x ON x.pr_id = m.tid", {
        pr_id: "m.nid",
        key: "'pr:' || m.nid || substr(x.key, length('pr:' || m.tid) + 1)",
      }),
    );
    add(
      "review_cards",
      await copyRows(storage, cte, "review_cards", "m JOIN review_cards x ON x.pr_id = m.tid", {
        pr_id: "m.nid",
        key: "replace(x.key, '#' || m.tnum || ':', '#' || m.num || ':')",
      }),
    );
  }
  state.copies += made;
  await recountWindow(storage);
  return { added: made, written };
}

/**
 * The kept counts, counted again from the assignment log the way the agent counts them
 * (request-window.ts `recount`, store.ts `review_last`).
 */
async function recountWindow(storage) {
  await storage.exec("DELETE FROM review_window");
  await storage.exec(
    `INSERT INTO review_window (login_key, n) SELECT login_key, COUNT(*) FROM review_log
     WHERE at > COALESCE((SELECT cut FROM review_window_cut WHERE id = 1), -9007199254740991)
       AND kind <> 'again' GROUP BY login_key`,
  );
  await storage.exec(
    `INSERT INTO review_last (login_key, at) SELECT login_key, MAX(at) FROM review_log
     WHERE kind <> 'again' GROUP BY login_key
     ON CONFLICT (login_key) DO UPDATE SET at = MAX(review_last.at, excluded.at)`,
  );
}

/** Messages pending or running in an agent's inbox (by status, not the counter). */
export async function inboxPending(storage) {
  const [row] = await storage.exec("SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')");
  return Number(row?.n ?? 0);
}

/** A made-up delivery id in UUID form, unique per `n`. */
export const seededDeliveryId = (n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

/**
 * `count` more deliveries like `template` (a real delivery id still pending in the inboxes): into each
 * of `inboxes` ([{ storage }]) as pending messages, and into the Coordinator's log as published.
 * Delivery ids are seededDeliveryId(from … from + count - 1). Returns rows written.
 */
export async function seedInboxes({ coordinator, inboxes, template, from, count, batch = 1000 }) {
  const written = { inbox: 0, webhook_deliveries: 0 };
  const newId = "printf('00000000-0000-4000-8000-%012x', k.j)";
  for (let a = from; a < from + count; a += batch) {
    const b = Math.min(from + count, a + batch);
    const cte = `WITH RECURSIVE k(j) AS (SELECT ${a} UNION ALL SELECT j + 1 FROM k WHERE j < ${b - 1})`;
    for (const { storage } of inboxes) {
      written.inbox += await copyRows(
        storage,
        cte,
        "inbox",
        `k JOIN inbox x ON x.correlation_id = ${quote(template)}`,
        {
          message_id: `replace(x.message_id, x.correlation_id, ${newId})`,
          correlation_id: newId,
          status: "'pending'",
          attempts: "0",
          started_at: "NULL",
          error: "NULL",
        },
        ["seq"],
      );
    }
    written.webhook_deliveries += await copyRows(
      coordinator,
      cte,
      "webhook_deliveries",
      `k JOIN webhook_deliveries x ON x.delivery_id = ${quote(template)}`,
      { delivery_id: newId, status: "'published'", published_at: "COALESCE(x.published_at, x.received_at)" },
      ["seq"],
    );
  }
  // The kept depth, counted again as the inbox counts it when its counter row is missing.
  for (const { storage } of inboxes) {
    await storage.exec(
      `INSERT OR REPLACE INTO inbox_depth (id, n)
       SELECT 1, COUNT(*) FROM inbox WHERE status IN ('pending', 'running')`,
    );
  }
  return written;
}
