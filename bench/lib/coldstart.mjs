/**
 * Cold start: how long a fresh workerd with Foreman's deploy bundle takes to answer its first
 * request, against the hello-world Worker behind the same `[assets]` router (the fair ceiling) and a
 * hello-world stub served with all of Foreman's bindings (Foreman's cost without its code).
 *
 * The bundle is built once (bench/lib/bundle.mjs, which also reports its size), so no run pays the
 * build. A state folder is set up once (the bench's tenant, through signed slash commands) and each
 * run starts a new workerd on a fresh copy of it, so the Durable Objects have their data on disk and
 * none is in memory: every object the first request reaches is instantiated for it, as on a cold
 * isolate. Each run times
 *   - start → ready: from calling `startForemanTarget` (wrangler reads its config, Miniflare spawns
 *     workerd, workerd loads the bundle) until the socket listens;
 *   - process → ready: from the workerd process's start (/proc, 10 ms resolution) until then;
 *   - ready → first answer, and process → first answer: the first request, sent once ready;
 *   - the workerd process's CPU until ready and for the first request (/proc, 10 ms ticks);
 *   - the same request once more on the now warm isolate, for comparison.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildWithMetafile, bundleReport } from "./bundle.mjs";
import { cpuMs } from "./cpu.mjs";
import { round, withTimeout } from "./load.mjs";
import { send, setUpTenant } from "./setup.mjs";
import { signedSlashCommands } from "./signing.mjs";
import { foremanServing, startForemanTarget, startHelloWorld } from "./targets.mjs";

const TICK_MS = 10;
const RUN_TIMEOUT_MS = 30_000;

/** Milliseconds since process `pid` started (null when /proc is not readable). */
function processAgeMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const uptimeMs = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
    return Math.max(0, Math.round(uptimeMs - startTicks * TICK_MS));
  } catch {
    return null;
  }
}

/**
 * A hello-world module that stands in for Foreman's bundle: the same exports (a handler for each
 * event, an empty class for each Durable Object), so `startForemanTarget` serves it with every
 * binding and local service of wrangler.toml. Its cold start is the runtime's and the services'.
 */
function writeStubBundle(dir, classes) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "index.js");
  writeFileSync(
    file,
    `import { DurableObject } from "cloudflare:workers";
export default {
  async fetch(request) {
    await request.arrayBuffer();
    return new Response("Hello World!", { headers: { "content-type": "text/plain" } });
  },
  async queue() {},
  async scheduled() {},
};
${classes.map((c) => `export class ${c} extends DurableObject {}`).join("\n")}
`,
  );
  return file;
}

const slackHelp = () => signedSlashCommands("help", 1, { offset: Math.floor(Math.random() * 1e6) })[0];
const health = () => ({ method: "GET", path: "/api/health", headers: {} });

/** Median, max and min of the non-null values (null when there are none). */
export function stats(values) {
  const v = values.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median: round(median, 1), max: v[v.length - 1], min: v[0], n: v.length };
}

/** One cold start: `start()` a server, send `request()` once ready, then once more. */
async function coldRun(start, request, accept) {
  const t0 = performance.now();
  const target = await start();
  try {
    const ready = performance.now();
    const ageAtReady = target.pid ? processAgeMs(target.pid) : null;
    const cpuAtReady = target.pid ? cpuMs(target.pid) : null;
    const first = await send(target.origin, request());
    const answered = performance.now();
    const cpuAfterFirst = target.pid ? cpuMs(target.pid) : null;
    if (!accept(first)) {
      throw new Error(`cold start: the first request answered ${first.status}: ${first.text.slice(0, 300)}`);
    }
    const secondStarted = performance.now();
    const second = await send(target.origin, request());
    const secondMs = performance.now() - secondStarted;
    if (!accept(second)) throw new Error(`cold start: the second request answered ${second.status}`);
    return {
      startToReadyMs: round(ready - t0, 1),
      processToReadyMs: ageAtReady,
      firstAnswerMs: round(answered - ready, 1),
      processToFirstAnswerMs: ageAtReady === null ? null : round(ageAtReady + (answered - ready), 1),
      cpuToReadyMs: cpuAtReady,
      cpuFirstRequestMs: cpuAtReady === null || cpuAfterFirst === null ? null : cpuAfterFirst - cpuAtReady,
      warmAnswerMs: round(secondMs, 1),
      status: first.status,
      bytes: Buffer.byteLength(first.text),
    };
  } finally {
    await target.close();
  }
}

const METRICS = [
  "startToReadyMs",
  "processToReadyMs",
  "firstAnswerMs",
  "processToFirstAnswerMs",
  "cpuToReadyMs",
  "cpuFirstRequestMs",
  "warmAnswerMs",
];

/**
 * Builds the bundle (metafile included), reports its size, then `repeats` rounds of cold starts,
 * interleaved: Foreman answering Slack `help`, Foreman answering `GET /api/health`, the fair ceiling
 * answering the same signed Slack request, and a stub with all of Foreman's bindings answering it
 * (what the runtime and the local services cost without Foreman's code). `say` prints progress.
 */
export async function runColdStart({ root, vars, repeats = 5, say = () => {} }) {
  const dir = mkdtempSync(join(tmpdir(), "foreman-coldstart-"));
  try {
    const build = await buildWithMetafile({ root, outdir: join(dir, "worker") });
    const bundle = { buildMs: build.buildMs, ...bundleReport({ root, ...build }) };
    say(
      `bundle: ${bundle.bytes} bytes (gzip ${bundle.gzipBytes}), built in ${(build.buildMs / 1000).toFixed(1)} s`,
    );

    // The tenant's state, set up once; every run starts on a fresh copy of it.
    const seed = join(dir, "seed");
    const seeding = await startForemanTarget({ vars, bundle: build.bundle, persistTo: seed });
    try {
      await setUpTenant(seeding.origin);
      const help = await send(seeding.origin, slackHelp());
      if (help.status !== 200 || !help.text.includes("/foreman"))
        throw new Error(`/foreman help answered ${help.status}: ${help.text.slice(0, 300)}`);
    } finally {
      await seeding.close();
    }

    const serving = await foremanServing();
    let n = 0;
    const foreman = () => {
      const persistTo = join(dir, `state-${n++}`);
      cpSync(seed, persistTo, { recursive: true });
      return startForemanTarget({ vars, bundle: build.bundle, persistTo });
    };
    const stub = writeStubBundle(join(dir, "stub"), serving.durableObjectClasses);
    const ok = (a) => a.status === 200;
    const healthy = (a) => a.status === 200 && a.text.includes('"healthy"');
    const targets = [
      ["foremanSlackHelp", "Foreman, Slack `/foreman help` (signed)", foreman, slackHelp, ok],
      ["foremanHealth", "Foreman, `GET /api/health`", foreman, health, healthy],
      [
        "helloAssets",
        "hello-world behind `[assets]` (fair ceiling), the same Slack request",
        () => startHelloWorld({ ...serving, name: "hello-assets" }),
        slackHelp,
        ok,
      ],
      [
        "helloBindings",
        "hello-world with Foreman's bindings and `[assets]` (stub bundle), the same Slack request",
        () => startForemanTarget({ vars, bundle: stub }),
        slackHelp,
        ok,
      ],
    ];
    const runs = Object.fromEntries(targets.map(([key]) => [key, []]));
    for (let i = 0; i < repeats; i++) {
      for (const [key, , start, request, accept] of targets) {
        const r = await withTimeout(coldRun(start, request, accept), RUN_TIMEOUT_MS, `cold start ${key}`);
        runs[key].push(r);
        say(
          `cold start ${key.padEnd(16)} process→ready ${r.processToReadyMs} ms, ready→first answer ${r.firstAnswerMs} ms` +
            ` (cpu ${r.cpuToReadyMs} + ${r.cpuFirstRequestMs} ms), warm ${r.warmAnswerMs} ms`,
        );
      }
    }
    const coldstart = { repeats, targets: {} };
    for (const [key, label] of targets) {
      const summary = Object.fromEntries(METRICS.map((m) => [m, stats(runs[key].map((r) => r[m]))]));
      coldstart.targets[key] = { label, summary, runs: runs[key] };
    }
    return { coldstart, bundle };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
