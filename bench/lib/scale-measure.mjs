/**
 * One point of a scale curve: what a kind of request costs Foreman at the tenant size it has now.
 *
 * `measureCommand` runs a Slack command (signed) or the dashboard's queue API: a few requests one
 * after another first (the answer time on an otherwise idle server, `alone`, and the check that the
 * answer is what the command answers), then a bounded run of many requests at a few connections with
 * the workerd process's CPU over it (CPU per request) and its wall-clock p50 / p99. The number of
 * requests is chosen from the first answers so a run takes about `seconds` whatever a request costs.
 *
 * `measureDeliveries` sends unique GitHub `pull_request` deliveries and reads the CPU twice: when the
 * last is answered (ingest) and when the agents have worked through them and workerd is quiet again
 * (ingest + the agents' work, which is most of it).
 */
import { performance } from "node:perf_hooks";
import { cpuMs } from "./cpu.mjs";
import { uniqueDeliveries } from "./ingest.mjs";
import { drive, round } from "./load.mjs";
import { api } from "./setup.mjs";
import { SECRETS, signedSlashCommands } from "./signing.mjs";

export const COMMANDS = ["review mine", "review list", "digest now"];
export const API = "GET /api/reviews?limit=100";
export const KINDS = [...COMMANDS, API];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sends one request; a keep-alive connection the server closed while idle is tried once more. */
export async function sendOnce(origin, request) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(new URL(request.path, origin), {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (attempt > 0 || err?.cause?.code !== "UND_ERR_SOCKET") throw err;
    }
  }
}

/** The requests one run loops over: 64 distinct signed commands (fresh timestamps), or the API call. */
export function requestsFor(kind, offset, options = {}) {
  if (kind === API) {
    return [
      {
        method: "GET",
        path: "/api/reviews?limit=100",
        headers: { authorization: `Bearer ${SECRETS.ADMIN_API_KEY}` },
      },
    ];
  }
  return signedSlashCommands(kind, 64, { offset, ...options });
}

/** Throws unless the answer is the command's real answer; returns what it says (counts). */
export function checkAnswer(kind, { status, text }) {
  const fail = (why) => {
    throw new Error(`${kind} answered ${status} (${why}): ${text.slice(0, 300)}`);
  };
  if (status !== 200) fail("status");
  if (kind === API) {
    const body = JSON.parse(text);
    if (!Array.isArray(body.items) || body.items.length === 0) fail("no items");
    return { total: body.total, items: body.items.length };
  }
  const said = JSON.parse(text).text ?? "";
  if (kind === "review mine") {
    const m = /^(\d+) pull requests? waiting for your review/.exec(said);
    if (!m) fail("not a non-empty review queue");
    return { total: Number(m[1]) };
  }
  if (kind === "review list") {
    const m = /^(\d+) pull requests? waiting for review/.exec(said);
    if (!m) fail("not a non-empty review list");
    return { total: Number(m[1]) };
  }
  if (!/digest is on its way|already posted in this channel this minute/.test(said)) fail("no digest");
  const m = /(\d+) pull requests? waiting/.exec(said);
  return { total: m ? Number(m[1]) : null };
}

/** Slower than this alone: measured from single requests (see measureCommand). */
const SLOW_MS = 2_000;
const VERY_SLOW_MS = 10_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * @param {object} o
 * @param {string} o.origin
 * @param {number} o.pid workerd
 * @param {string} o.kind one of KINDS
 * @param {number} o.seconds about how long the measured run takes
 * @param {number} o.connections
 * @param {number} o.offset distinct trigger ids / response urls per run
 * @param {number} [o.minRequests]
 */
export async function measureCommand({ origin, pid, kind, seconds, connections, offset, minRequests = 5 }) {
  const requests = requestsFor(kind, offset);
  let said;
  /** One request on its own: its answer time and the CPU until it answered. */
  const alone = async (i) => {
    const cpu0 = cpuMs(pid);
    const t = performance.now();
    const answer = await sendOnce(origin, requests[i % requests.length]);
    const ms = performance.now() - t;
    const cpu1 = cpuMs(pid);
    said = checkAnswer(kind, answer);
    return { ms, cpu: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null };
  };
  // One to warm up, then at least 3 timed one after another (up to 15 within a second). A request
  // slower than SLOW_MS is measured from single requests only (CPU per request from them, no run at
  // several connections): the first alone when slower than VERY_SLOW_MS, else one more.
  const first = await alone(0);
  const timed = first.ms > VERY_SLOW_MS ? [first] : [];
  const count = first.ms > SLOW_MS ? 1 : 3;
  const aloneUntil = Date.now() + 1000;
  for (let i = 1; timed.length < count || (timed.length < 15 && Date.now() < aloneUntil); i++)
    timed.push(await alone(i));
  const times = timed.map((x) => x.ms);
  const aloneMs = median(times);
  const aloneFigures = { p50: round(aloneMs), max: round(Math.max(...times)), samples: times.length };
  if (first.ms > SLOW_MS) {
    const cpus = timed.map((x) => x.cpu).filter((x) => x !== null);
    return {
      connections: 1,
      requests: timed.length,
      mode: `single requests only (slower than ${SLOW_MS / 1000} s)`,
      p50: aloneFigures.p50,
      p99: aloneFigures.max,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      cpuMsPerRequest: cpus.length ? round(cpus.reduce((a, b) => a + b, 0) / cpus.length, 3) : null,
      alone: aloneFigures,
      answer: said,
    };
  }
  const amount = Math.max(minRequests, Math.min(3000, Math.round((seconds * 1000) / Math.max(aloneMs, 0.5))));
  if (amount >= 100) await drive({ url: origin, connections, amount: Math.round(amount / 10), requests });
  // Autocannon wants at least one request per connection.
  const conns = Math.min(connections, amount);
  const before = cpuMs(pid);
  const run = await drive({ url: origin, connections: conns, amount, requests, timeout: 60 });
  const after = cpuMs(pid);
  const cpu = before !== null && after !== null ? after - before : null;
  return {
    ...run,
    cpuMsPerRequest: cpu !== null && run.requests > 0 ? round(cpu / run.requests, 3) : null,
    alone: aloneFigures,
    answer: said,
  };
}

/** An agent's health through the API: its inbox depth (the kept counter) and tasks done. */
export const health = (origin, agentId) => api(origin, "GET", `/api/agents/health/${agentId}`);

/**
 * Waits until every agent's inbox is empty and `until` ({ agentId, tasksDone }) has done that many
 * tasks, or `maxMs` passed; the messages left (-1: that agent was not done). Asks the API, never
 * Miniflare's storage: those calls block node while workerd runs them, and with the agents busy that
 * can hang both (scale-seed.mjs).
 */
export async function drained(origin, agents, maxMs, until = null) {
  const deadline = Date.now() + maxMs;
  let left = null;
  do {
    // One agent asked while it works (a health answer counts the agent's schedules: not free), then all.
    const waiting = until && (await health(origin, until.agentId)).tasksDone < until.tasksDone;
    if (!waiting) {
      const all = await Promise.all(agents.map((a) => health(origin, a.agentId)));
      left = all.reduce((n, h) => n + (h.inboxDepth ?? 0), 0);
      if (left === 0) break;
    }
    await sleep(500);
  } while (Date.now() < deadline);
  return left ?? -1;
}

/** The Review Manager's tasks done now plus `more` (one task per event it works through). */
export async function reviewManagerTarget(origin, agents, more) {
  const rm = agents.find((a) => a.type === "review-manager");
  return { agentId: rm.agentId, tasksDone: (await health(origin, rm.agentId)).tasksDone + more };
}

/**
 * Waits until the process has used less than `quietMs` of CPU in each of two 500 ms windows in a row
 * (at most `maxMs`); the ms waited.
 */
export async function settled(pid, { maxMs = 20_000, quietMs = 15 } = {}) {
  const started = Date.now();
  let last = cpuMs(pid);
  let quiet = 0;
  while (Date.now() - started < maxMs && quiet < 2) {
    await sleep(500);
    const now = cpuMs(pid);
    if (now === null || last === null) break;
    quiet = now - last < quietMs ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - started;
}

/** A PR's cards are refreshed this long after a change (review-manager/live-cards.ts, 3 s) and a bit. */
export const CARD_REFRESH_MS = 3_500;

/**
 * `amount` unique deliveries (PR numbers from `firstPr`) over `connections`, agents running: CPU per
 * delivery when answered (`ingestCpuMsPerDelivery`) and once `agents` ([{ className, agentId }]) have
 * worked through them (`cpuMsPerRequest`, at most `drainMs` later).
 */
export async function measureDeliveries({ server, pid, connections, amount, firstPr, agents, drainMs }) {
  const until = await reviewManagerTarget(server.origin, agents, amount);
  const before = cpuMs(pid);
  const sent = await uniqueDeliveries({ origin: server.origin, connections, amount, firstPr });
  const answered = cpuMs(pid);
  const started = Date.now();
  // The Coordinator hands deliveries to the inboxes after its answer: the Review Manager has worked
  // through one task per accepted delivery and every inbox is empty, then the process is quiet.
  const accepted = sent.tally.accepted ?? 0;
  until.tasksDone -= amount - accepted;
  const left = await drained(server.origin, agents, drainMs, until);
  // The agents' work includes the cards' refresh a few seconds after each change.
  await sleep(Math.max(0, started + CARD_REFRESH_MS - Date.now()));
  await settled(pid, { maxMs: 10_000 });
  const done = cpuMs(pid);
  const per = (cpu) =>
    before !== null && cpu !== null && accepted > 0 ? round((cpu - before) / accepted, 3) : null;
  return {
    ...sent.run,
    accepted,
    tally: sent.tally,
    ingestCpuMsPerDelivery: per(answered),
    cpuMsPerRequest: per(done),
    settledInS: round((Date.now() - started) / 1000, 1),
    leftInInboxes: left,
  };
}
