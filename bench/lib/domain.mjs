/**
 * The pure domain functions under tinybench, on Node: the TypeScript sources bundled with esbuild
 * (no Worker involved), inputs generated from a fixed seed so every run measures the same work.
 *
 * - assignment over a 1,000-person roster (load-balance; and an urgent PR, which walks working hours)
 * - the digest of 10,000 open PRs (buildDigest)
 * - the SLA clock for 100,000 deadlines: computing them (slaDeadlines), and evaluating them
 *   (slaState + remainingWorkingMs), one op = all 100,000
 * - when a message may reach each of 1,000 people (the Context Optimizer's `recipientOf` + `decide`,
 *   with windows, focus blocks, holidays and absences), one op = all 1,000
 * - the time-to-first-review forecast of 1,000 requests (`predict` + its breach probability), with a
 *   model fitted on 2,000 rows, one op = all 1,000; and fitting it on 5,000 rows (a tenant's largest fit)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Bench } from "tinybench";
import { round } from "./load.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRIES = {
  assignment: "src/domain/assignment.ts",
  digest: "src/digest/build.ts",
  sla: "src/domain/sla.ts",
  hours: "src/domain/working-hours.ts",
  notify: "src/domain/notify.ts",
  forecast: "src/domain/forecast.ts",
  forecastFit: "src/domain/forecast-fit.ts",
};

/** Bundles the modules for Node and imports them. */
async function loadModules() {
  const dir = mkdtempSync(join(tmpdir(), "foreman-bench-domain-"));
  try {
    await build({
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(ROOT, v)])),
      outdir: dir,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node22",
      splitting: true,
      outExtension: { ".js": ".mjs" },
      logLevel: "error",
    });
    const load = (name) => import(pathToFileURL(join(dir, `${name}.mjs`)).href);
    return {
      assignment: await load("assignment"),
      digest: await load("digest"),
      sla: await load("sla"),
      hours: await load("hours"),
      notify: await load("notify"),
      forecast: await load("forecast"),
      forecastFit: await load("forecastFit"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "Europe/London",
  "America/New_York",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Asia/Tokyo",
  "Asia/Kolkata",
  "Australia/Sydney",
  "Africa/Nairobi",
  "Pacific/Auckland",
  "Asia/Singapore",
];
/** A Wednesday, 14:00 UTC. */
const NOW = Date.UTC(2026, 10, 18, 14, 0, 0);
const HOUR = 3_600_000;

function roster(n, random) {
  return Array.from({ length: n }, (_, i) => ({
    login: `dev-${String(i).padStart(4, "0")}`,
    tz: ZONES[i % ZONES.length],
    ooo: random() < 0.05,
    openReviews: Math.floor(random() * 7),
    assignedLast30d: Math.floor(random() * 25),
    lastAssignedAtMs: random() < 0.1 ? null : NOW - Math.floor(random() * 30 * 24 * HOUR),
  }));
}

function assignmentInput(candidates, labels, algorithm = "load-balance") {
  return {
    pr: {
      repo: "acme/api",
      number: 4242,
      author: "dev-0007",
      coAuthors: ["dev-0013"],
      labels,
      requestedReviewers: [],
    },
    candidates,
    count: 2,
    algorithm,
    nowMs: NOW,
  };
}

function openPrs(n, random) {
  const people = Array.from({ length: 200 }, (_, i) => ({ login: `dev-${i}`, mention: `<@U${1000 + i}>` }));
  const states = ["ok", "at_risk", "breached", null];
  return Array.from({ length: n }, (_, i) => {
    const a = people[Math.floor(random() * people.length)];
    const b = people[Math.floor(random() * people.length)];
    return {
      repo: `acme/repo-${i % 40}`,
      number: 1000 + i,
      title: `Change number ${i}: refactor the ${i % 7 === 0 ? "very long and descriptive " : ""}module`,
      url: `https://github.com/acme/repo-${i % 40}/pull/${1000 + i}`,
      author: `dev-${Math.floor(random() * 200)}`,
      reviewers: random() < 0.1 ? [] : random() < 0.7 ? [a] : [a, b],
      waitingWorkingMs: Math.floor(random() * 80 * HOUR),
      state: states[Math.floor(random() * states.length)],
      draft: random() < 0.1,
      approvals: Math.floor(random() * 3),
      labels: random() < 0.2 ? ["urgent"] : [],
    };
  });
}

/** Runs the domain benchmarks; `quick` shortens the sampling time. */
export async function runDomainBench({ quick = false } = {}) {
  const m = await loadModules();
  const random = rng(20261124);
  const candidates = roster(1000, random);
  const prs = openPrs(10_000, random);
  const merged = Array.from({ length: 60 }, (_, i) => ({
    repo: "acme/api",
    number: 900 + i,
    title: `Merged ${i}`,
  }));
  const schedules = ZONES.map((tz) => m.hours.compileSchedule({ tz }));
  const requests = Array.from({ length: 100_000 }, (_, i) => ({
    requestedAtMs: NOW - Math.floor(random() * 72 * HOUR),
    hours: 4 + (i % 5) * 8,
    schedule: schedules[i % schedules.length],
  }));
  const deadlines = requests.map((r) => m.sla.slaDeadlines(r));
  const facts = Array.from({ length: 2000 }, (_, i) => ({
    repo: `acme/repo-${i % 12}`,
    author: `dev-${i % 40}`,
    lines: Math.floor(random() * 800),
    openReviews: Math.floor(random() * 6),
    requests30d: Math.floor(random() * 20),
    hoursUntilWorking: random() < 0.7 ? 0 : random() * 60,
    workingHoursLeft: random() * 8,
    gapAfterWindowH: random() < 0.8 ? 16 : 64,
    urgent: random() < 0.1,
  }));
  const trained = m.forecastFit.fitForecast(
    facts.map((f) => ({ facts: f, hours: (1 + f.lines / 100) * (1 + f.openReviews) * (0.5 + random()) })),
    NOW,
  );
  const asked = facts.slice(0, 1000);
  // The most a tenant's fit reads (MAX_SAMPLES in src/agents/review-manager/forecast-store.ts).
  const history = Array.from({ length: 5000 }, (_, i) => {
    const f = facts[i % facts.length];
    return { facts: f, hours: (1 + f.lines / 100) * (1 + f.openReviews) * (0.5 + random()) };
  });
  const modes = ["batched", "immediate", "digest"];
  const recipients = candidates.map((c, i) => ({
    schedule: { tz: c.tz },
    prefs: {
      ...m.notify.DEFAULT_NOTIFY_PREFS,
      mode: modes[i % 3],
      focus: i % 2 ? [{ days: ["tue", "thu"], start: "09:00", end: "12:00" }] : [],
      holidays: i % 7 === 0 ? [{ from: "2026-11-20", until: "2026-11-24" }] : [],
    },
    ooo: c.ooo ? { from: null, until: "2026-11-30" } : null,
  }));

  // Sanity: the inputs do what they claim (a wrong input would measure nothing).
  const picked = m.assignment.assignReviewers(assignmentInput(candidates, []));
  if (picked.reviewers.length !== 2) throw new Error("assignment bench: expected 2 reviewers");
  const digest = m.digest.buildDigest({
    channelLabel: "#reviews",
    nowMs: NOW,
    prs,
    merged24h: merged,
    emptyMode: "post",
  });
  if (!digest || !/pull requests? waiting/.test(digest.text))
    throw new Error("digest bench: no digest built");

  const bench = new Bench({ time: quick ? 300 : 1000, iterations: 5, warmupTime: quick ? 50 : 200 });
  let sink = 0;
  bench
    .add("assignment: 1,000 people (load-balance)", () => {
      sink += m.assignment.assignReviewers(assignmentInput(candidates, [])).reviewers.length;
    })
    .add("assignment: 1,000 people (round-robin)", () => {
      sink += m.assignment.assignReviewers(assignmentInput(candidates, [], "round-robin")).reviewers.length;
    })
    .add("digest: 10,000 open PRs", () => {
      sink += m.digest.buildDigest({
        channelLabel: "#reviews",
        nowMs: NOW,
        prs,
        merged24h: merged,
        emptyMode: "post",
      }).sections.length;
    })
    .add("notify: when a message may reach 1,000 people", () => {
      for (const r of recipients) {
        const recipient = m.notify.recipientOf(r.schedule, r.prefs, r.ooo, NOW);
        const d = m.notify.decide(recipient, false, NOW, { sentToday: 2, lastAboutPrMs: null });
        sink += d.send ? 1 : 0;
      }
    })
    .add("forecast: time to first review of 1,000 requests", () => {
      for (const f of asked) sink += m.forecast.predict(trained, f).breachProbability(8) > 0.5 ? 1 : 0;
    })
    .add("forecast: fit on 5,000 past requests (the largest nightly fit)", () => {
      sink += m.forecastFit.fitForecast(history, NOW).trainedOn;
    })
    .add("SLA: compute 100,000 deadlines", () => {
      for (const r of requests) sink += m.sla.slaDeadlines(r).breachAtMs & 1;
    })
    .add("SLA: state + remaining time of 100,000 deadlines", () => {
      for (const d of deadlines) {
        sink += m.sla.slaState(NOW, d) === "breached" ? 1 : 0;
        sink += m.sla.remainingWorkingMs(NOW, d) > 0 ? 1 : 0;
      }
    });
  await bench.run();
  if (sink === 0) throw new Error("domain bench: nothing computed");
  return bench.tasks.map((task) => {
    const r = task.result;
    return {
      name: task.name,
      meanMs: round(r.latency.mean, 4),
      p99Ms: round(r.latency.p99, 4),
      samples: r.latency.samples?.length ?? r.latency.samplesCount ?? null,
    };
  });
}
