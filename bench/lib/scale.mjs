/**
 * `npm run bench -- --only scale`: how Foreman's costs grow with the size of a tenant (issue 17).
 * Each curve runs on its own fresh Foreman (startForemanTarget: the `npm start` path; one build, the
 * bundle reused), one after the other:
 *
 * 1. open PRs (100, 1,000, 10,000, 100,000): `review mine`, `review list`, `digest now`, the
 *    dashboard's queue API and GitHub deliveries (scale-curves.mjs);
 * 2. team size (10, 100, 1,000 people) with 100 open PRs, the same requests; then, on the same
 *    Foreman, a cron tick over 1,000 tenants with 10 digests due (scale-cron.mjs);
 * 3. ingest at a backlog of 0, 1,000 and 10,000 events in the paused agents' inboxes (scale-ingest.mjs).
 *
 * Results go into `results.scale` as they come (a watchdog stop keeps what was measured), with each
 * curve's growth factor and the issue's scale goals (figures, not assertions). `--quick` caps the
 * sizes and shortens every run: it checks the part works; its figures are not meaningful.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { round } from "./load.mjs";
import { scaleGoals } from "./report.mjs";
import { cronCurve } from "./scale-cron.mjs";
import { openPrCurve, teamCurve } from "./scale-curves.mjs";
import { ingestCurve } from "./scale-ingest.mjs";
import { API, COMMANDS } from "./scale-measure.mjs";
import { benchVars } from "./setup.mjs";
import { discordKeyPair } from "./signing.mjs";
import { startForemanTarget } from "./targets.mjs";

/** How much longer the whole bench may run when the scale part is in it. */
export const scaleBudgetMs = (quick) => (quick ? 300_000 : 660_000);

function settings(quick) {
  return quick
    ? {
        prSizes: [100, 1_000, 10_000],
        teamSizes: [10, 100],
        tenants: 200,
        due: 10,
        backlogs: [0, 1_000],
        seconds: 0.5,
        minRequests: 3,
        deliveries: 10,
        ingestDeliveries: 400,
      }
    : {
        prSizes: [100, 1_000, 10_000, 100_000],
        teamSizes: [10, 100, 1_000],
        tenants: 1_000,
        due: 10,
        backlogs: [0, 1_000, 10_000],
        seconds: 2,
        minRequests: 5,
        deliveries: 50,
        ingestDeliveries: 900,
      };
}

/**
 * Runs the scale curves into `results.scale`.
 * @param {object} results the bench's results (results.scale is written as the curves finish)
 * @param {{ quick: boolean, say: (s: string) => void }} o
 */
export async function scalePart(results, { quick, say }) {
  const started = Date.now();
  const s = settings(quick);
  const scale = {
    config: {
      ...s,
      connections: 4,
      ingestConnections: 64,
      seedBatch: 5_000,
      seedBudgetS: 75,
      vars: "as the other parts, and RATE_LIMIT_PER_KEY=1000000/min (the limiter still counts every API call; 1,000 tenants are made through the API)",
      quickCaps: quick
        ? "sizes capped: open PRs to 10,000, team to 100, 200 tenants, backlog to 1,000"
        : null,
      seeding: {
        openPrs:
          "the smallest size through signed webhook deliveries (agents running); larger sizes copied into the " +
          "Review Manager's SQLite (review_prs, review_reviewers, review_log, policy_decisions, policy_pr_facts, " +
          "forecast_requests, forecast_samples, forecast_activity, review_cards, review.sla/review.retry schedules), " +
          "5,000 copies per INSERT … SELECT; the me user's reviews given to other members in the copies; " +
          "review_window and review_last counted again from the log; each point's seededBy says which",
        team: "team add slash commands (signed), 100 PRs through webhooks",
        tenants:
          "POST /api/tenants/:id/chat (admin API); due tenants set up by slash commands in their workspace",
        backlog:
          "one real delivery (agents paused) copied into every inbox holding it and into the Coordinator's " +
          "delivery log (published); inbox_depth counted again",
      },
    },
  };
  results.scale = scale;
  let offsets = 100_000;
  const common = {
    seconds: s.seconds,
    connections: 4,
    minRequests: s.minRequests,
    deliveries: s.deliveries,
    drainMs: quick ? 20_000 : 40_000,
    say,
    offset: () => (offsets += 1_000),
  };
  const keys = discordKeyPair();
  const vars = { ...benchVars(keys.publicKeyHex), RATE_LIMIT_PER_KEY: "1000000/min" };
  const bundleDir = mkdtempSync(join(tmpdir(), "foreman-scale-bundle-"));
  let bundle;
  /** A fresh Foreman; the first one's build is kept for the others. */
  const fresh = async () => {
    const server = await startForemanTarget({ vars, bundle });
    if (!bundle) {
      cpSync(dirname(server.bundle), bundleDir, { recursive: true });
      bundle = join(bundleDir, "index.js");
    }
    return server;
  };
  const on = async (label, work) => {
    say(`scale: ${label}…`);
    const server = await fresh();
    try {
      return await work(server);
    } finally {
      scale.workerLogs = { ...(scale.workerLogs ?? {}), [label]: server.logs };
      await server.close().catch(() => {});
    }
  };
  try {
    scale.prs = await on("open PRs", (server) =>
      openPrCurve(server, { ...common, sizes: s.prSizes, batch: 5_000, seedBudgetMs: 75_000 }),
    );
    await on("team size, then cron", async (server) => {
      scale.team = await teamCurve(server, { ...common, sizes: s.teamSizes, prs: 100 });
      scale.cron = await cronCurve(server, { tenants: s.tenants, due: s.due, say });
    });
    scale.ingest = await on("ingest backlog", (server) =>
      ingestCurve(server, {
        backlogs: s.backlogs,
        deliveries: s.ingestDeliveries,
        connections: 64,
        batch: 5_000,
        say,
      }),
    );
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
    scale.growth = growth(scale);
    scale.goals = scaleGoals(scale);
    scale.durationS = Math.round((Date.now() - started) / 1000);
  }
  for (const [curve, rows] of Object.entries(scale.growth)) {
    for (const [kind, g] of Object.entries(rows)) {
      say(
        `growth ${curve.padEnd(6)} ${kind.padEnd(28)} CPU x${g.cpu ?? "–"} (${g.from} -> ${g.to})` +
          `${g.cpuAt10kVs100 !== undefined ? `, 10,000 vs 100: x${g.cpuAt10kVs100 ?? "–"}` : ""}` +
          `${g.wall !== undefined ? `; answer time x${g.wall ?? "–"}` : ""}`,
      );
    }
  }
  for (const g of scale.goals)
    say(`goal: ${g.goal}: ${g.measured ?? "–"} ${g.pass === null ? "" : g.pass ? "pass" : "MISS"}`);
  return scale;
}

const factor = (a, b) => (typeof a === "number" && typeof b === "number" && b > 0 ? round(a / b, 2) : null);

/** Cost at the largest size / at the smallest (and 10,000 / 100 for open PRs), per request kind. */
export function growth(scale) {
  const out = {};
  const curve = (name, points, kinds) => {
    if (!points?.length) return;
    const first = points[0];
    const last = points.at(-1);
    const at = (size) => points.find((p) => p.size === size);
    out[name] = {};
    for (const kind of kinds) {
      const cpu = (p) => p?.requests?.[kind]?.cpuMsPerRequest;
      const wall = (p) => p?.requests?.[kind]?.alone?.p50 ?? p?.requests?.[kind]?.p50;
      out[name][kind] = {
        from: first.size,
        to: last.size,
        cpu: factor(cpu(last), cpu(first)),
        wall: factor(wall(last), wall(first)),
        ...(name === "prs" ? { cpuAt10kVs100: factor(cpu(at(10_000)), cpu(at(100))) } : {}),
      };
    }
  };
  curve("prs", scale.prs?.points, [...COMMANDS, API, "webhook"]);
  curve("team", scale.team?.points, [...COMMANDS, API, "webhook"]);
  const ingest = scale.ingest?.points;
  if (ingest?.length) {
    out.ingest = {
      "GitHub delivery (agents paused)": {
        from: ingest[0].backlog,
        to: ingest.at(-1).backlog,
        cpu: factor(ingest.at(-1).cpuMsPerRequest, ingest[0].cpuMsPerRequest),
      },
    };
  }
  const ticks = scale.cron?.ticks;
  if (ticks?.length >= 3) {
    out.cron = {
      "cron tick, nothing due": {
        from: 1,
        to: scale.cron.tenants,
        cpu: factor(ticks[2].cpuMs, ticks[0].cpuMs),
      },
    };
  }
  return out;
}
