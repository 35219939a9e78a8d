#!/usr/bin/env node
/**
 * `npm run bench`: Foreman on the Workers runtime (the `npm start` code path: the deploy bundle on
 * workerd, fresh state in a temp folder) against what a team would use instead, in one run on one
 * machine, reported as figures and ratios. See docs/benchmarks.md for the method.
 *
 *   npm run bench [-- --quick] [--only slack,discord,webhooks,domain,coldstart,scale] [--no-docs]
 *                 [--out <file>] [--profile <dir>]
 *
 * 1. Slack `/foreman review mine` and `/foreman help` (signed; the ack path) at 1, 16 and 64
 *    connections, interleaved with the same signed request against a minimal Bolt app on Node and two
 *    hello-world Workers: bare, and behind the same `[assets]` router as Foreman (the fair ceiling).
 * 2. Discord `/foreman review mine` (Ed25519-signed interaction) at the same connection counts.
 * 3. GitHub ingest: unique `pull_request` deliveries, then replays of one, with the delivery log
 *    checked afterwards (every accepted delivery recorded once and published; nothing unknown).
 * 4. Domain functions under tinybench.
 * 5. Cold start of a fresh workerd with the deploy bundle (and of the ceilings), and the bundle's size
 *    by npm package (bench/lib/coldstart.mjs, bench/lib/bundle.mjs).
 * 6. Scale: how costs grow with the tenant's open PRs, team, tenants and inbox backlog
 *    (bench/lib/scale.mjs; several minutes, so the watchdog allows for it).
 * Writes bench/results.json and the table in docs/benchmarks.md. Everything on 127.0.0.1, every run
 * bounded; the whole bench takes about 8 minutes on 2 cores (the scale part about 5 of them).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runColdStart } from "./lib/coldstart.mjs";
import { withCpu } from "./lib/cpu.mjs";
import { runDomainBench } from "./lib/domain.mjs";
import { checkLog, pendingCount, replays, uniqueDeliveries } from "./lib/ingest.mjs";
import { drive, round } from "./lib/load.mjs";
import { profiled } from "./lib/profile.mjs";
import { goals, machine, markdown, ratios, updateDocs, versions } from "./lib/report.mjs";
import { scaleBudgetMs, scalePart } from "./lib/scale.mjs";
import { benchVars, send, setAgents, setUpTenant } from "./lib/setup.mjs";
import {
  discordKeyPair,
  githubDelivery,
  SECRETS,
  signedDiscordCommands,
  signedSlashCommands,
} from "./lib/signing.mjs";
import { foremanServing, startBolt, startForemanTarget, startHelloWorld } from "./lib/targets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE =
  "Usage: npm run bench [-- --quick] [--only slack,discord,webhooks,domain,coldstart,scale] [--no-docs] [--out <file>] [--profile <dir>]";
const PARTS = ["slack", "discord", "webhooks", "domain", "coldstart", "scale"];
const INSPECTOR_PORT = 9339;

function parseArgs(argv) {
  const args = {
    quick: false,
    only: new Set(PARTS),
    docs: true,
    out: join(ROOT, "bench", "results.json"),
    profile: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--no-docs") args.docs = false;
    else if (a === "--only") {
      args.only = new Set((argv[++i] ?? "").split(",").filter(Boolean));
      for (const p of args.only)
        if (!PARTS.includes(p)) throw new Error(`--only: unknown part "${p}"\n${USAGE}`);
    } else if (a === "--out") args.out = resolve(argv[++i] ?? "");
    else if (a === "--profile") args.profile = resolve(argv[++i] ?? "bench/profiles");
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown argument "${a}"\n${USAGE}`);
  }
  return args;
}

const say = (msg) => console.log(`[bench] ${msg}`);
const line = (name, r) =>
  say(
    `${name.padEnd(34)} c=${String(r.connections).padStart(2)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
      `${r.cpuMsPerRequest !== null && r.cpuMsPerRequest !== undefined ? `  cpu ${r.cpuMsPerRequest} ms/req` : ""}` +
      `${r.errors + r.timeouts + r.non2xx ? `  ERRORS ${r.errors}/${r.timeouts}/${r.non2xx}` : ""}`,
  );

/** The whole bench is bounded: past this, it reports what it has and exits non-zero. */
const WATCHDOG_MS = 290_000;
/** The cold-start part's bound (a build and 5 fresh runtimes). */
const COLDSTART_MS = 150_000;
/** … and longer by the cold-start and scale parts' budgets when they are included. */
const watchdogMs = (args) =>
  WATCHDOG_MS +
  (args.only.has("coldstart") ? COLDSTART_MS : 0) +
  (args.only.has("scale") ? scaleBudgetMs(args.quick) : 0);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const duration = args.quick ? 1 : 5;
  const warmup = 1;
  const connections = [1, 16, 64];
  const coldStarts = args.quick ? 2 : 5;
  const results = {
    date: new Date().toISOString(),
    machine: machine(),
    versions: versions(),
    config: {
      durationS: duration,
      warmupS: warmup,
      connections,
      quick: args.quick,
      serving: "workerd socket (no Miniflare entry worker), as `npm start`",
      ceilings: {
        hello: "hello-world Worker on workerd's socket, no assets router",
        helloAssets: "hello-world Worker behind the same [assets] router and run_worker_first as Foreman",
      },
      coldStarts,
      vars: "wrangler.toml [vars] + DEMO_MODE=false + bench secrets (no .dev.vars)",
    },
  };
  say(
    `machine: ${results.machine.nproc} × ${results.machine.cpuModel}, load ${results.machine.loadAvg1mAtStart}`,
  );
  const watchdog = setTimeout(() => {
    console.error(`[bench] still running after ${watchdogMs(args) / 1000} s: stopping with partial results`);
    results.incomplete = true;
    writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
    process.exit(1);
  }, watchdogMs(args));
  watchdog.unref();

  if (args.only.has("domain")) {
    say("domain functions (tinybench)…");
    results.domain = await runDomainBench({ quick: args.quick });
    for (const d of results.domain) say(`${d.name.padEnd(52)} mean ${d.meanMs} ms  p99 ${d.p99Ms} ms`);
  }

  if (args.only.has("coldstart")) {
    say("cold start and bundle size (wrangler deploy --dry-run --metafile, then fresh workerd runs)…");
    const cold = await runColdStart({
      root: ROOT,
      vars: benchVars(discordKeyPair().publicKeyHex),
      repeats: coldStarts,
      say,
    });
    results.coldstart = cold.coldstart;
    results.bundle = cold.bundle;
  }

  const needServers = ["slack", "discord", "webhooks"].some((p) => args.only.has(p));
  if (needServers) {
    say("building the Worker (wrangler deploy --dry-run) and starting it…");
    const keys = discordKeyPair();
    const foreman = await startForemanTarget({
      vars: benchVars(keys.publicKeyHex),
      ...(args.profile ? { inspectorPort: INSPECTOR_PORT } : {}),
    });
    const closers = [() => foreman.close()];
    try {
      await setUpTenant(foreman.origin);
      say(`Foreman on ${foreman.origin} (workerd pid ${foreman.pid}); tenant set up`);
      if (args.only.has("slack"))
        await slackPart(results, foreman, { duration, warmup, connections, closers });
      if (args.only.has("discord"))
        await discordPart(results, foreman, keys, { duration, warmup, connections });
      if (args.only.has("webhooks"))
        await webhookPart(results, foreman, { duration, drainS: args.quick ? 2 : 15 });
      if (args.profile) await profilePart(foreman, args.profile);
      results.workerLogs = foreman.logs;
    } finally {
      for (const close of closers.reverse()) await close().catch(() => {});
    }
  }

  if (args.only.has("scale")) await scalePart(results, { quick: args.quick, say });

  results.goals = goals(results);
  results.durationS = Math.round((Date.now() - started) / 1000);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${args.out}`);
  if (args.docs) {
    const docs = join(ROOT, "docs", "benchmarks.md");
    say(updateDocs(docs, results) ? `updated ${docs}` : `${docs} has no bench markers: not updated`);
  }
  console.log(`\n${markdown(results)}\n`);
  say(`done in ${results.durationS} s`);
}

/**
 * Slack ack path: Foreman (`review mine` and `help`) vs Bolt vs the two hello-world ceilings (bare,
 * and behind the same `[assets]` router as Foreman), interleaved at each connection count.
 */
async function slackPart(results, foreman, { duration, warmup, connections, closers }) {
  const [probe] = signedSlashCommands("review mine", 1);
  const ack = await send(foreman.origin, probe);
  if (ack.status !== 200 || !ack.text.includes("Your reviews")) {
    throw new Error(`/foreman review mine answered ${ack.status}: ${ack.text.slice(0, 300)}`);
  }
  const [helpProbe] = signedSlashCommands("help", 1, { offset: 500 });
  const helpAck = await send(foreman.origin, helpProbe);
  if (helpAck.status !== 200 || !helpAck.text.includes("Foreman commands")) {
    throw new Error(`/foreman help answered ${helpAck.status}: ${helpAck.text.slice(0, 300)}`);
  }
  const bolt = await startBolt({ signingSecret: SECRETS.SLACK_SIGNING_SECRET, ackJson: ack.text });
  closers.push(() => bolt.close());
  const runtime = {
    compatibilityDate: foreman.compatibilityDate,
    compatibilityFlags: foreman.compatibilityFlags,
  };
  const hello = await startHelloWorld(runtime);
  closers.push(() => hello.close());
  // The fair ceiling: wrangler.toml's [assets] (directory, run_worker_first) as wrangler reads it for Foreman.
  const serving = await foremanServing();
  if (
    serving.compatibilityDate !== runtime.compatibilityDate ||
    serving.compatibilityFlags.join() !== runtime.compatibilityFlags.join() ||
    !serving.assets?.run_worker_first
  ) {
    throw new Error(`wrangler.toml does not serve Foreman as the bench assumes: ${JSON.stringify(serving)}`);
  }
  const helloAssets = await startHelloWorld({ ...runtime, assets: serving.assets, name: "hello-assets" });
  closers.push(() => helloAssets.close());
  const boltAck = await send(bolt.origin, probe);
  if (boltAck.status !== 200 || boltAck.text !== ack.text)
    throw new Error("the Bolt app does not answer like Foreman");
  // The router is in front: the dashboard from the assets, /slack/* from the Worker.
  const page = await send(helloAssets.origin, { method: "GET", path: "/", headers: {} });
  const worker = await send(helloAssets.origin, probe);
  if (!/<html/i.test(page.text) || worker.text !== "Hello World!")
    throw new Error("the hello-world Worker behind [assets] is not served through the assets router");

  const targets = [
    ["foreman", "Foreman Slack review mine", foreman, "review mine"],
    ["help", "Foreman Slack help", foreman, "help"],
    ["bolt", "Bolt app (Node)", bolt, "review mine"],
    ["hello", "hello-world Worker", hello, "review mine"],
    ["helloAssets", "hello-world behind [assets]", helloAssets, "review mine"],
  ];
  results.slack = {
    ...Object.fromEntries(targets.map(([key]) => [key, {}])),
    ackBytes: Buffer.byteLength(ack.text),
    helpAckBytes: Buffer.byteLength(helpAck.text),
  };
  for (const c of connections) {
    for (const [key, name, { origin, pid }, text] of targets) {
      const requests = signedSlashCommands(text, 64, { offset: c * 1000 });
      await drive({ url: origin, connections: c, duration: warmup, requests });
      const r = await withCpu(pid, () => drive({ url: origin, connections: c, duration, requests }));
      results.slack[key][c] = r;
      line(name, r);
    }
  }
  results.slack.ratios = ratios(results.slack);
  results.slack.helpRatios = ratios(results.slack, "help");

  const edge = await startHelloWorld({ ...runtime, edge: true });
  try {
    const requests = signedSlashCommands("review mine", 64);
    const c = Math.max(...connections);
    await drive({ url: edge.origin, connections: c, duration: warmup, requests });
    results.helloEdge = await withCpu(edge.pid, () =>
      drive({ url: edge.origin, connections: c, duration, requests }),
    );
    line("hello-world via Miniflare entry", results.helloEdge);
  } finally {
    await edge.close();
  }
}

async function discordPart(results, foreman, keys, { duration, warmup, connections }) {
  const [probe] = signedDiscordCommands("review mine", 1, keys.privateKey);
  const ack = await send(foreman.origin, probe);
  if (ack.status !== 200 || !ack.text.includes("Your reviews")) {
    throw new Error(`Discord review mine answered ${ack.status}: ${ack.text.slice(0, 300)}`);
  }
  results.discord = {};
  for (const c of connections) {
    const requests = signedDiscordCommands("review mine", 64, keys.privateKey);
    await drive({ url: foreman.origin, connections: c, duration: warmup, requests });
    const r = await withCpu(foreman.pid, () =>
      drive({ url: foreman.origin, connections: c, duration, requests }),
    );
    results.discord[c] = r;
    line("Foreman Discord review mine", r);
  }
}

/**
 * GitHub ingest with the tenant's agents paused (they still take every event into their inboxes):
 * unique deliveries for `duration` seconds, then replays of one; the delivery log check; then the
 * agents are resumed and the Review Manager's work through the backlog is timed (until it is empty,
 * `drainS` seconds at most).
 */
async function webhookPart(results, foreman, { duration, drainS }) {
  const connections = 64;
  const agents = await setAgents(foreman.origin, "pause");
  const rm = agents.find((a) => a.type === "review-manager");
  if (!rm) throw new Error("no Review Manager: the tenant set-up did not start the standing agents");
  const first = githubDelivery(1);
  const firstAnswer = await send(foreman.origin, first.request);
  if (firstAnswer.status !== 200 || !firstAnswer.text.includes('"accepted"')) {
    throw new Error(
      `the first GitHub delivery answered ${firstAnswer.status}: ${firstAnswer.text.slice(0, 300)}`,
    );
  }
  const unique = await withCpu(foreman.pid, () =>
    uniqueDeliveries({ origin: foreman.origin, connections, duration, firstPr: 100_000 }),
  );
  const u = unique.run;
  const accepted = unique.tally.accepted ?? 0;
  results.webhooks = {
    agents: "paused during ingest (events wait in their inboxes)",
    unique: {
      ...u,
      cpuMsPerRequest: unique.cpuMsPerRequest,
      sent: unique.sent,
      unanswered: unique.unanswered.length,
      accepted,
      acceptedPerSecond: Math.round(accepted / u.seconds),
      tally: unique.tally,
    },
  };
  line("GitHub unique deliveries", results.webhooks.unique);
  const rep = await withCpu(foreman.pid, () =>
    replays({ origin: foreman.origin, connections, duration, delivery: first }),
  );
  results.webhooks.replays = { ...rep.run, cpuMsPerRequest: rep.cpuMsPerRequest, tally: rep.tally };
  line("GitHub replays of one delivery", results.webhooks.replays);

  const waitStarted = Date.now();
  const check = await checkLog(foreman, unique.answers, {
    alsoAccepted: [first.deliveryId],
    alsoSent: unique.unanswered,
    waitMs: 20_000,
  });
  results.webhooks.check = {
    recorded: check.recorded,
    missing: check.missing.length,
    doubled: check.doubled.length,
    unpublished: check.unpublished.length,
    unknown: check.unknown.length,
    waitedS: round((Date.now() - waitStarted) / 1000, 1),
  };
  say(`delivery log: ${JSON.stringify(results.webhooks.check)}`);

  // The agents' side: how fast the Review Manager works through what was ingested.
  const before = await pendingCount(foreman, "ReviewManagerAgent", rm.agentId);
  await setAgents(foreman.origin, "resume");
  // Timed from the resume (resuming every standing agent through the API takes a while after a
  // load), and read at least once: a slow resume must not end the window before the first look.
  const drainStarted = Date.now();
  let after = before;
  do {
    await new Promise((r) => setTimeout(r, 250));
    after = await pendingCount(foreman, "ReviewManagerAgent", rm.agentId);
  } while (after > 0 && Date.now() - drainStarted < drainS * 1000);
  const seconds = (Date.now() - drainStarted) / 1000;
  results.webhooks.reviewManagerDrain = {
    backlog: before,
    processed: before - after,
    left: after,
    seconds: round(seconds, 1),
    eventsPerSecond: round((before - after) / seconds, 1),
  };
  say(`review manager: ${JSON.stringify(results.webhooks.reviewManagerDrain)}`);
}

/** CPU profiles of the Slack ack path and of unique GitHub deliveries (not part of the figures). */
async function profilePart(foreman, dir) {
  mkdirSync(dir, { recursive: true });
  const opts = (file) => ({ inspectorPort: INSPECTOR_PORT, workerName: foreman.name, file: join(dir, file) });
  const slack = signedSlashCommands("review mine", 64, { offset: 777_000 });
  const a = await profiled(opts("slack-ack.cpuprofile"), () =>
    drive({ url: foreman.origin, connections: 16, duration: 5, requests: slack }),
  );
  say(`profile: slack ack, ${a.result.requests} requests -> ${join(dir, "slack-ack.cpuprofile")}`);
  for (const r of a.summary.rows.slice(0, 15)) say(`  ${String(r.pct).padStart(5)}%  ${r.fn}`);
  const b = await profiled(opts("github-ingest.cpuprofile"), () =>
    uniqueDeliveries({ origin: foreman.origin, connections: 16, amount: 300, firstPr: 900_000 }),
  );
  say(
    `profile: github ingest, ${b.result.run.requests} requests -> ${join(dir, "github-ingest.cpuprofile")}`,
  );
  for (const r of b.summary.rows.slice(0, 15)) say(`  ${String(r.pct).padStart(5)}%  ${r.fn}`);
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : err}`);
  process.exit(1);
});
