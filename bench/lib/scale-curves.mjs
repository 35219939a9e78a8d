/**
 * The open-PR and team-size curves: at each size, the three slash commands and the dashboard's queue
 * API (scale-measure.mjs `measureCommand`), then unique GitHub deliveries with the agents running
 * (ingest and the agents' work on them). Each curve runs on its own fresh Foreman.
 *
 * Open PRs: the tenant as setUpTenant leaves it (six people, the repository linked); the first
 * `sizes[0]` PRs come through signed webhook deliveries (the agents assign them: with the default
 * capacity of five open reviews each, thirty get a reviewer, five of them the "me" user); larger
 * sizes are copies of those seeded into the Review Manager's storage (scale-seed.mjs).
 * Team: `team add` slash commands grow the team, with `prs` PRs delivered through webhooks first.
 */
import { uniqueDeliveries } from "./ingest.mjs";
import { round } from "./load.mjs";
import {
  API,
  CARD_REFRESH_MS,
  COMMANDS,
  drained,
  measureCommand,
  measureDeliveries,
  reviewManagerTarget,
  sendOnce,
  settled,
} from "./scale-measure.mjs";
import { openPrCount, seedOpenPrs, storageOf, templatePrs } from "./scale-seed.mjs";
import { REVIEWERS, send, setUpTenant, standingAgents } from "./setup.mjs";
import { signedSlashCommands } from "./signing.mjs";

/** The GitHub login of the Slack user the bench runs commands as (setup.mjs). */
export const ME = "bench-user";

const CLASS_OF = {
  "review-manager": "ReviewManagerAgent",
  "linear-state": "LinearStateAgent",
  "integration-dashboard": "IntegrationDashboardAgent",
  "context-optimizer": "ContextOptimizerAgent",
  "pattern-bridge": "PatternBridgeAgent",
};

/** The tenant's live agents with their Durable Object class (to read their inboxes). */
export async function liveAgents(origin) {
  return (await standingAgents(origin))
    .filter((a) => CLASS_OF[a.type])
    .map((a) => ({ type: a.type, agentId: a.agentId, className: CLASS_OF[a.type] }));
}

/** Every kind of request at the tenant's present size; `deliveries` more PRs at the end. */
async function measurePoint(server, o, point, firstPr) {
  point.requests = {};
  for (const kind of [...COMMANDS, API]) {
    const errors = server.logs.errors.length;
    let r;
    try {
      r = await measureCommand({
        origin: server.origin,
        pid: server.pid,
        kind,
        seconds: o.seconds,
        connections: o.connections,
        offset: o.offset(),
        minRequests: o.minRequests,
      });
    } catch (err) {
      // A failed answer is a figure too: kept with the Worker's error lines, and the curve goes on.
      point.requests[kind] = {
        error: err.message.slice(0, 400),
        workerErrors: server.logs.errors.slice(errors),
      };
      o.say(
        `  ${kind.padEnd(28)} FAILED: ${err.message.slice(0, 200)} ${JSON.stringify(point.requests[kind].workerErrors)}`,
      );
      continue;
    }
    point.requests[kind] = r;
    o.say(
      `  ${kind.padEnd(28)} cpu ${r.cpuMsPerRequest} ms/req  alone ${r.alone.p50} ms  p50 ${r.p50} p99 ${r.p99} ms` +
        `  (${r.requests} req, answer ${JSON.stringify(r.answer)})${r.errors + r.timeouts + r.non2xx ? `  ERRORS ${r.errors}/${r.timeouts}/${r.non2xx}` : ""}`,
    );
  }
  const w = await measureDeliveries({
    server,
    pid: server.pid,
    connections: o.connections,
    amount: o.deliveries,
    firstPr,
    agents: o.agents,
    drainMs: o.drainMs,
  });
  point.requests.webhook = w;
  o.say(
    `  ${"GitHub delivery (+ agents' work)".padEnd(28)} cpu ${w.cpuMsPerRequest} ms/delivery (answer ${w.ingestCpuMsPerDelivery})` +
      `  p50 ${w.p50} p99 ${w.p99} ms  (${w.accepted} accepted, settled after ${w.settledInS} s, ${w.leftInInboxes} left)`,
  );
}

/** Sends `amount` PRs (numbers from `firstPr`) through signed webhooks and waits for the agents. */
async function deliverPrs(server, agents, amount, firstPr, drainMs) {
  const until = await reviewManagerTarget(server.origin, agents, amount);
  const sent = await uniqueDeliveries({ origin: server.origin, connections: 4, amount, firstPr });
  if ((sent.tally.accepted ?? 0) !== amount)
    throw new Error(`webhook seeding: ${JSON.stringify(sent.tally)} of ${amount}`);
  const left = await drained(server.origin, agents, drainMs, until);
  if (left !== 0) throw new Error(`webhook seeding: the agents did not work through it (${left} left)`);
  await new Promise((r) => setTimeout(r, CARD_REFRESH_MS));
}

/**
 * @param {object} server a startForemanTarget
 * @param {object} o { sizes, seconds, connections, minRequests, deliveries, drainMs, batch, seedBudgetMs, say, offset }
 */
export async function openPrCurve(server, o) {
  await setUpTenant(server.origin);
  const agents = await liveAgents(server.origin);
  const rm = agents.find((a) => a.type === "review-manager");
  if (!rm) throw new Error("no Review Manager after the tenant set-up");
  const opts = { ...o, agents };
  const started = Date.now();
  await deliverPrs(server, agents, o.sizes[0], 1, o.drainMs * 3);
  const viaWebhooks = round((Date.now() - started) / 1000, 1);
  const storage = await storageOf(server, "ReviewManagerAgent", rm.agentId);
  const templates = await templatePrs(storage);
  const state = { copies: 0 };
  const curve = { team: 6, me: ME, points: [] };
  for (const [i, size] of o.sizes.entries()) {
    const point = { size, seededBy: i === 0 ? "webhooks" : "storage" };
    const t = Date.now();
    if (i === 0) point.seedS = viaWebhooks;
    else {
      const deadline = t + o.seedBudgetMs;
      const seeded = await seedOpenPrs(storage, {
        templates,
        target: size,
        me: ME,
        others: ["bench-discord", ...REVIEWERS],
        batch: o.batch,
        state,
        deadline,
      });
      point.seedS = round((Date.now() - t) / 1000, 1);
      point.seeded = seeded;
    }
    point.openPrs = await openPrCount(storage);
    o.say(`open PRs: ${point.openPrs} (${point.seededBy}, ${point.seedS} s)`);
    if (point.openPrs < size * 0.99) {
      point.cutShort = `seeding stopped at ${point.openPrs} open PRs (time budget ${o.seedBudgetMs / 1000} s)`;
      o.say(point.cutShort);
    }
    await settled(server.pid);
    curve.points.push(point);
    await measurePoint(server, opts, point, 1_000_000 + i * 10_000);
    point.openPrsAfter = await openPrCount(storage);
    if (point.cutShort) break;
  }
  return curve;
}

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Asia/Tokyo",
  "America/Los_Angeles",
  "Asia/Kolkata",
];

/** `team add` commands (signed, as the lead) until the team has `size` people; 4 at a time. */
async function growTeam(origin, from, size, offset) {
  let next = from;
  const worker = async () => {
    while (next < size) {
      const n = next++;
      const text = `team add <@U0SCALE${String(n).padStart(5, "0")}|member-${n}> github:member-${n} --tz ${ZONES[n % ZONES.length]}`;
      const [request] = signedSlashCommands(text, 1, { offset: offset + n });
      const answer = await sendOnce(origin, request);
      if (answer.status !== 200 || /:warning:|:x:|went wrong|not allowed/i.test(answer.text))
        throw new Error(`"/foreman ${text}" answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** The team curve: `prs` PRs through webhooks, the team grown to each size by `team add`. */
export async function teamCurve(server, o) {
  await setUpTenant(server.origin);
  const agents = await liveAgents(server.origin);
  const opts = { ...o, agents };
  let members = 6;
  const curve = { points: [] };
  for (const [i, size] of o.sizes.entries()) {
    const t = Date.now();
    await growTeam(server.origin, members, size, 700_000);
    members = size;
    const point = { size, teamS: round((Date.now() - t) / 1000, 1) };
    if (i === 0) {
      await deliverPrs(server, agents, o.prs, 1, o.drainMs * 3);
      curve.prsViaWebhooks = o.prs;
    }
    const rm = agents.find((a) => a.type === "review-manager");
    point.openPrs = await openPrCount(await storageOf(server, "ReviewManagerAgent", rm.agentId));
    o.say(`team: ${size} people (grown in ${point.teamS} s), ${point.openPrs} open PRs`);
    await settled(server.pid);
    curve.points.push(point);
    await measurePoint(server, opts, point, 2_000_000 + i * 10_000);
  }
  return curve;
}

/** One signed command in workspace `team` (another tenant's), which must not be refused. */
export async function commandIn(origin, team, text, offset) {
  const [request] = signedSlashCommands(text, 1, { offset, team });
  const answer = await send(origin, request);
  if (answer.status !== 200 || /:warning:|:x:|went wrong|not allowed/i.test(answer.text))
    throw new Error(`"/foreman ${text}" in ${team} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  return answer;
}
