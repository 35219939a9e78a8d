/**
 * The bench's outputs: machine and versions, the goals with pass / miss, bench/results.json and the
 * table between `<!-- bench:start -->` and `<!-- bench:end -->` in docs/benchmarks.md.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export const START_MARKER = "<!-- bench:start -->";
export const END_MARKER = "<!-- bench:end -->";

/** A package's version from its package.json (found next to its entry, `exports` notwithstanding). */
function versionOf(pkg) {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {}
  try {
    let dir = dirname(require.resolve(pkg));
    while (dir !== dirname(dir)) {
      const file = join(dir, "package.json");
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, "utf8"));
        if (json.name === pkg) return json.version;
      }
      dir = dirname(dir);
    }
  } catch {}
  return null;
}

export function machine() {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model?.trim() ?? "unknown",
    ramGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    loadAvg1mAtStart: Math.round(loadavg()[0] * 100) / 100,
  };
}

export function versions() {
  return {
    node: process.versions.node,
    workerd: versionOf("workerd"),
    wrangler: versionOf("wrangler"),
    miniflare: versionOf("miniflare"),
    "@slack/bolt": versionOf("@slack/bolt"),
    autocannon: versionOf("autocannon"),
    tinybench: versionOf("tinybench"),
  };
}

const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);

/**
 * Foreman's Slack ack (`key`: "foreman" for `review mine`, "help") over the Bolt app, the bare
 * hello-world Worker and the one behind `[assets]` (the fair ceiling), per connection count:
 * throughput, p99 latency and CPU per request. A p99 of 0 ms (autocannon counts whole ms) gives null.
 */
export function ratios(slack, key = "foreman") {
  const out = {};
  for (const c of Object.keys(slack[key] ?? {})) {
    const ours = slack[key][c];
    const vs = (field, other) => ratio(ours?.[field], slack[other]?.[c]?.[field]);
    out[c] = {
      rpsVsBolt: vs("rps", "bolt"),
      rpsVsHello: vs("rps", "hello"),
      rpsVsHelloAssets: vs("rps", "helloAssets"),
      p99VsBolt: vs("p99", "bolt"),
      p99VsHello: vs("p99", "hello"),
      p99VsHelloAssets: vs("p99", "helloAssets"),
      cpuPerRequestVsBolt: vs("cpuMsPerRequest", "bolt"),
      cpuPerRequestVsHello: vs("cpuMsPerRequest", "hello"),
      cpuPerRequestVsHelloAssets: vs("cpuMsPerRequest", "helloAssets"),
    };
  }
  return out;
}

/** The issue's goals, each with the measurement it is judged on. */
export function goals(results) {
  const top = String(Math.max(...(results.config?.connections ?? [64])));
  const slack = results.slack?.foreman?.[top];
  const help = results.slack?.help?.[top];
  const fair = results.slack?.helloAssets?.[top];
  const r = results.slack?.ratios?.[top];
  const rh = results.slack?.helpRatios?.[top];
  const domain = Object.fromEntries((results.domain ?? []).map((d) => [d.name, d]));
  const assignment = (results.domain ?? []).filter((d) => d.name.startsWith("assignment"));
  const digest = domain["digest: 10,000 open PRs"];
  const ingest = results.webhooks?.unique;
  const g = (id, goal, measured, pass, detail) => ({
    id,
    goal,
    measured,
    pass: measured === null ? null : pass,
    ...(measured !== null && detail ? { detail } : {}),
  });
  const rps = (a, b) => `${fmt(a?.rps, 0)} vs ${fmt(b?.rps, 0)} req/s`;
  // The same ratio from CPU per request (what one core would serve of each): steadier on a shared machine.
  const byCpu = (x) => (x ? `; ${fmt(1 / x, 2)} by CPU/req` : "");
  const p99 = (a, b) => `p99 ${fmt(a?.p99)} vs ${fmt(b?.p99)} ms`;
  const fairName = "the fair ceiling (hello-world behind `[assets]`)";
  return [
    g(
      "ack-p99",
      `Slack ack p99 <= 20 ms at ${top} connections`,
      slack?.p99 ?? null,
      (slack?.p99 ?? Infinity) <= 20,
    ),
    g(
      "vs-bolt",
      "Slack ack throughput >= 1.2x the Bolt app",
      r?.rpsVsBolt ?? null,
      (r?.rpsVsBolt ?? 0) >= 1.2,
      rps(slack, results.slack?.bolt?.[top]),
    ),
    g(
      "vs-hello",
      "Slack ack throughput >= 60% of hello-world",
      r?.rpsVsHello ?? null,
      (r?.rpsVsHello ?? 0) >= 0.6,
      rps(slack, results.slack?.hello?.[top]),
    ),
    g(
      "help-vs-fair",
      `Slack \`help\` ack throughput >= 0.5x ${fairName} at ${top} connections`,
      rh?.rpsVsHelloAssets ?? null,
      (rh?.rpsVsHelloAssets ?? 0) >= 0.5,
      `${rps(help, fair)}${byCpu(rh?.cpuPerRequestVsHelloAssets)}`,
    ),
    g(
      "review-vs-fair",
      `Slack \`review mine\` throughput >= 0.3x ${fairName} at ${top} connections`,
      r?.rpsVsHelloAssets ?? null,
      (r?.rpsVsHelloAssets ?? 0) >= 0.3,
      `${rps(slack, fair)}${byCpu(r?.cpuPerRequestVsHelloAssets)}`,
    ),
    g(
      "help-p99-vs-fair",
      `Slack \`help\` p99 <= 3x the fair ceiling's p99 at ${top} connections`,
      rh?.p99VsHelloAssets ?? null,
      (rh?.p99VsHelloAssets ?? Infinity) <= 3,
      p99(help, fair),
    ),
    g(
      "review-p99-vs-fair",
      `Slack \`review mine\` p99 <= 3x the fair ceiling's p99 at ${top} connections`,
      r?.p99VsHelloAssets ?? null,
      (r?.p99VsHelloAssets ?? Infinity) <= 3,
      p99(slack, fair),
    ),
    g(
      "ingest",
      "webhook ingest >= 1,000 unique deliveries/s",
      ingest?.acceptedPerSecond ?? null,
      (ingest?.acceptedPerSecond ?? 0) >= 1000,
    ),
    g("digest", "10,000-PR digest < 50 ms", digest?.meanMs ?? null, (digest?.meanMs ?? Infinity) < 50),
    g(
      "assignment",
      "one assignment over 1,000 people < 1 ms",
      assignment.length ? Math.max(...assignment.map((a) => a.meanMs)) : null,
      assignment.length > 0 && assignment.every((a) => a.meanMs < 1),
    ),
  ];
}

const fmt = (n, digits = 1) =>
  n === null || n === undefined ? "–" : Number(n).toFixed(digits).replace(/\.0+$/, "");
const mark = (pass) => (pass === null ? "not measured" : pass ? "**pass**" : "**miss**");

const kib = (bytes) => `${fmt(bytes / 1024, 0)} KiB`;
const spread = (st) => (st ? `${fmt(st.median, 0)} / ${fmt(st.max, 0)}` : "–");

/** The cold start table (bench/lib/coldstart.mjs): median / max of each figure over the runs. */
function coldstartLines(cold) {
  if (!cold?.targets) return [];
  const lines = [
    "",
    `**Cold start** (a fresh workerd per run, the deploy bundle prebuilt, state on disk; median / max ms of ${cold.repeats} runs; CPU = workerd process, 10 ms ticks)`,
    "",
    "| fresh process, first request | process start → ready | ready → first answer | process start → first answer | CPU until ready | CPU of first request | next request (warm) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const t of Object.values(cold.targets)) {
    const s = t.summary;
    lines.push(
      `| ${t.label} | ${spread(s.processToReadyMs)} | ${spread(s.firstAnswerMs)} | ${spread(s.processToFirstAnswerMs)} | ` +
        `${spread(s.cpuToReadyMs)} | ${spread(s.cpuFirstRequestMs)} | ${spread(s.warmAnswerMs)} |`,
    );
  }
  return lines;
}

/** The deploy bundle's size and the npm packages that make it up (bench/lib/bundle.mjs). */
function bundleLines(b, top = 12) {
  if (!b?.byOwner) return [];
  const packages = b.byOwner.filter((o) => o.group === "package");
  const rest = packages.slice(top);
  const restBytes = rest.reduce((n, o) => n + o.bytes, 0);
  const lines = [
    "",
    `**Deploy bundle** (\`wrangler deploy --dry-run\`, bytes per input from esbuild's metafile): ${kib(b.bytes)} ` +
      `(${b.bytes} bytes), gzip ${kib(b.gzipBytes)}; Foreman's src/ ${fmt(b.srcSharePct)}%, ` +
      `${b.packagesCount} npm packages ${fmt(b.packagesSharePct)}%, esbuild's glue ${kib(b.glueBytes)}. ` +
      "Gzip alone: that part's code compressed on its own (an estimate; they do not add up to the whole).",
    "",
    "| part | KiB | share | gzip alone KiB |",
    "| --- | --- | --- | --- |",
    `| src/ (Foreman) | ${fmt(b.srcBytes / 1024, 0)} | ${fmt(b.srcSharePct)}% | ${fmt((b.srcGzipAloneBytes ?? NaN) / 1024, 0)} |`,
  ];
  for (const o of packages.slice(0, top))
    lines.push(
      `| ${o.name} | ${fmt(o.bytes / 1024, 0)} | ${fmt(o.sharePct)}% | ${fmt((o.gzipAloneBytes ?? NaN) / 1024, 0)} |`,
    );
  if (rest.length)
    lines.push(
      `| ${rest.length} other packages | ${fmt(restBytes / 1024, 0)} | ${fmt((restBytes / b.bytes) * 100)}% | – |`,
    );
  const folders = b.byOwner.filter((o) => o.group === "src").slice(0, 6);
  lines.push("", `Largest parts of src/: ${folders.map((o) => `${o.name} ${kib(o.bytes)}`).join(", ")}.`);
  return lines;
}

/** The Markdown put between the markers (a pure function of results.json). */
export function markdown(results) {
  const { machine: m, versions: v } = results;
  const lines = [];
  lines.push(
    `Measured ${results.date} on ${m.nproc} × ${m.cpuModel}, ${m.ramGiB} GiB RAM (load average ${fmt(m.loadAvg1mAtStart, 2)} at the start); ` +
      `Node ${v.node}, workerd ${v.workerd}, wrangler ${v.wrangler}, Miniflare ${v.miniflare}, @slack/bolt ${v["@slack/bolt"]}, ` +
      `autocannon ${v.autocannon}, tinybench ${v.tinybench}. Runs of ${results.config.durationS} s after a ${results.config.warmupS} s warm-up; ` +
      `whole bench ${fmt(results.durationS, 0)} s.`,
    "",
    "**Goals**",
    "",
    "| goal | measured | result |",
    "| --- | --- | --- |",
  );
  for (const goal of results.goals)
    lines.push(
      `| ${goal.goal} | ${fmt(goal.measured, 2)}${goal.detail ? ` (${goal.detail})` : ""} | ${mark(goal.pass)} |`,
    );
  lines.push(
    "",
    "**HTTP** (req/s; latency ms; CPU = server process CPU ms per request)",
    "",
    "| scenario | conns | req/s | p50 | p99 | max | CPU/req | errors / non-2xx |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  const row = (name, c, r) =>
    r &&
    lines.push(
      `| ${name} | ${c} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.cpuMsPerRequest, 3)} | ${r.errors + r.timeouts} / ${r.non2xx} |`,
    );
  for (const c of results.config.connections) {
    row("Foreman: Slack `/foreman review mine`", c, results.slack?.foreman?.[c]);
    row("Foreman: Slack `/foreman help`", c, results.slack?.help?.[c]);
    row("Bolt app on Node (the `review mine` ack)", c, results.slack?.bolt?.[c]);
    row("hello-world Worker, bare (ceiling)", c, results.slack?.hello?.[c]);
    row("hello-world Worker behind `[assets]` (fair ceiling)", c, results.slack?.helloAssets?.[c]);
  }
  for (const c of results.config.connections)
    row("Foreman: Discord `/foreman review mine`", c, results.discord?.[c]);
  row("hello-world through Miniflare's entry (`--edge`)", results.helloEdge?.connections, results.helloEdge);
  row(
    "GitHub: unique `pull_request` deliveries",
    results.webhooks?.unique?.connections,
    results.webhooks?.unique,
  );
  row("GitHub: replays of one delivery", results.webhooks?.replays?.connections, results.webhooks?.replays);
  if (results.slack?.ratios) {
    lines.push(
      "",
      "**Ratios** (Foreman's Slack ack ÷ the other target, same connections; fair = hello-world behind " +
        "`[assets]`; req/s: higher is better, p99 and CPU/req: lower is better; – where a p99 is 0 ms)",
      "",
    );
    lines.push(
      "| command | conns | req/s ÷ Bolt | req/s ÷ hello | req/s ÷ fair | p99 ÷ Bolt | p99 ÷ hello | p99 ÷ fair | CPU/req ÷ Bolt | CPU/req ÷ hello | CPU/req ÷ fair |",
    );
    lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  }
  for (const [command, table] of [
    ["`review mine`", results.slack?.ratios],
    ["`help`", results.slack?.helpRatios],
  ]) {
    for (const [c, r] of Object.entries(table ?? {})) {
      const cells = [
        r.rpsVsBolt,
        r.rpsVsHello,
        r.rpsVsHelloAssets,
        r.p99VsBolt,
        r.p99VsHello,
        r.p99VsHelloAssets,
        r.cpuPerRequestVsBolt,
        r.cpuPerRequestVsHello,
        r.cpuPerRequestVsHelloAssets,
      ].map((x) => fmt(x, 2));
      lines.push(`| ${command} | ${c} | ${cells.join(" | ")} |`);
    }
  }
  const w = results.webhooks;
  if (w?.check) {
    const drain = w.reviewManagerDrain;
    lines.push(
      "",
      `**Webhook ingest check** (agents paused while ingesting): ${w.unique.accepted} unique deliveries accepted ` +
        `(${fmt(w.unique.acceptedPerSecond, 0)}/s; ${w.unique.unanswered ?? 0} more cut off unanswered by the end of the run), ` +
        `${w.check.recorded} recorded, ${w.check.missing} missing, ${w.check.doubled} recorded twice, ` +
        `${w.check.unpublished} not in the agents' inboxes after ${fmt(w.check.waitedS, 1)} s, ` +
        `${w.check.unknown} unknown; replays: ${JSON.stringify(w.replays.tally)}.` +
        (drain
          ? ` Resumed, the Review Manager worked through ${drain.processed} of ${drain.backlog} events in ` +
            `${fmt(drain.seconds, 1)} s (${fmt(drain.eventsPerSecond, 1)} events/s).`
          : ""),
    );
  }
  if (results.domain) {
    lines.push("", "**Domain functions** (tinybench, Node, ms per op)", "");
    lines.push("| function | mean ms | p99 ms | samples |", "| --- | --- | --- | --- |");
  }
  for (const d of results.domain ?? [])
    lines.push(`| ${d.name} | ${fmt(d.meanMs, 3)} | ${fmt(d.p99Ms, 3)} | ${d.samples ?? "–"} |`);
  lines.push(...coldstartLines(results.coldstart), ...bundleLines(results.bundle));
  lines.push(...scaleMarkdown(results.scale));
  return lines.join("\n");
}

/** Replaces the marked section of `file` with the table; false when the markers are missing. */
export function updateDocs(file, results) {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) return false;
  const next = `${text.slice(0, start + START_MARKER.length)}\n${markdown(results)}\n${text.slice(end)}`;
  writeFileSync(file, next);
  return true;
}

// ------------------------------------------------------------------ scale (bench/lib/scale.mjs)

const SCALE_COMMANDS = ["review mine", "review list", "digest now"];
const SCALE_KINDS = [...SCALE_COMMANDS, "GET /api/reviews?limit=100", "webhook"];

/** The issue's scale goals, each with the figure it is judged on (bench figures, not assertions). */
export function scaleGoals(scale) {
  const prs = scale?.prs?.points ?? [];
  const at = (size) => prs.find((p) => p.size === size);
  const cpu = (p, kind) => p?.requests?.[kind]?.cpuMsPerRequest ?? null;
  const base = cpu(at(100), "review mine");
  const mine = [10_000, 100_000]
    .map((n) => ({
      n,
      r: base && cpu(at(n), "review mine") !== null ? cpu(at(n), "review mine") / base : null,
    }))
    .filter((x) => x.r !== null);
  const digest = at(10_000)?.requests?.["digest now"]?.alone?.p50 ?? null;
  const points = [...prs, ...(scale?.team?.points ?? [])];
  const answers = points.flatMap((p) =>
    SCALE_COMMANDS.map((k) => p.requests?.[k]?.alone?.max).filter((x) => typeof x === "number"),
  );
  const failed = points.some((p) => SCALE_COMMANDS.some((k) => p.requests?.[k]?.error));
  // The steady state: 10 due again (else the first tick after the tenants were made).
  const tick = scale?.cron?.ticks?.[3] ?? scale?.cron?.ticks?.[1];
  const ingest = scale?.ingest?.points ?? [];
  const ingestCpu = ingest.map((p) => p.cpuMsPerRequest).filter((x) => typeof x === "number");
  const flat =
    ingest.length > 1 && ingest[0].cpuMsPerRequest
      ? (ingest.at(-1).cpuMsPerRequest ?? Number.NaN) / ingest[0].cpuMsPerRequest
      : null;
  const r2 = (n) => (n === null || n === undefined || Number.isNaN(n) ? null : Math.round(n * 100) / 100);
  const g = (id, goal, measured, pass) => ({
    id,
    goal,
    measured: r2(measured),
    pass: measured === null ? null : pass,
  });
  const mineMax = mine.length ? Math.max(...mine.map((x) => x.r)) : null;
  return [
    g(
      "scale-mine",
      `\`review mine\` at ${mine.map((x) => x.n.toLocaleString("en-US")).join(" and ") || "10,000 and 100,000"} open PRs within 1.5x of its CPU at 100 (largest ratio)`,
      mineMax,
      mineMax !== null && mineMax <= 1.5,
    ),
    g(
      "scale-digest",
      "`digest now` of 10,000 open PRs answers in < 250 ms (ms, alone, median)",
      digest,
      digest !== null && digest < 250,
    ),
    g(
      "scale-answers",
      `no command answer over 500 ms at any size (slowest answer alone, ms${failed ? "; a command also failed" : ""})`,
      answers.length ? Math.max(...answers) : null,
      !failed && answers.length > 0 && Math.max(...answers) <= 500,
    ),
    g(
      "scale-cron",
      `cron tick over ${(scale?.cron?.tenants ?? 1000).toLocaleString("en-US")} tenants with ${scale?.cron?.due ?? 10} digests due < 2 s CPU (s)`,
      typeof tick?.cpuMs === "number" ? tick.cpuMs / 1000 : null,
      typeof tick?.cpuMs === "number" && tick.cpuMs < 2000,
    ),
    g(
      "scale-ingest",
      "ingest CPU per unique delivery <= 1 ms at every backlog (largest, ms)",
      ingestCpu.length ? Math.max(...ingestCpu) : null,
      ingestCpu.length > 0 && Math.max(...ingestCpu) <= 1,
    ),
    g(
      "scale-ingest-flat",
      `ingest CPU flat from backlog 0 to ${(ingest.at(-1)?.backlog ?? 10000).toLocaleString("en-US")} (ratio <= 1.25)`,
      flat,
      flat !== null && flat <= 1.25,
    ),
  ];
}

const KIND_LABEL = {
  "review mine": "Slack `/foreman review mine`",
  "review list": "Slack `/foreman review list`",
  "digest now": "Slack `/foreman digest now`",
  "GET /api/reviews?limit=100": "`GET /api/reviews?limit=100`",
  webhook: "GitHub delivery + the agents' work on it",
};

/** One curve as a table: a row per request, a column per size (CPU ms/request · answer ms). */
function curveTable(lines, title, points, growth, sizeLabel) {
  if (!points?.length) return;
  const sizes = points.map((p) => p.size);
  const tenK = sizes.includes(100) && sizes.includes(10_000);
  lines.push("", title, "");
  lines.push(
    `| request | ${sizes.map((n) => `${sizeLabel ? `${sizeLabel} ` : ""}${n.toLocaleString("en-US")}`).join(" | ")} | growth (CPU, largest / smallest)${tenK ? " | 10,000 / 100" : ""} |`,
    `| --- | ${sizes.map(() => "---").join(" | ")} | ---${tenK ? " | ---" : ""} |`,
  );
  for (const kind of SCALE_KINDS) {
    const cells = points.map((p) => {
      const r = p.requests?.[kind];
      if (!r) return "–";
      if (r.error) return "failed";
      const wall = kind === "webhook" ? r.p50 : r.alone?.p50;
      return `${fmt(r.cpuMsPerRequest, 2)} · ${fmt(wall, 0)}`;
    });
    const gr = growth?.[kind];
    lines.push(
      `| ${KIND_LABEL[kind]} | ${cells.join(" | ")} | ${gr?.cpu === null || gr?.cpu === undefined ? "–" : `x${fmt(gr.cpu, 2)}`}${tenK ? ` | ${gr?.cpuAt10kVs100 ? `x${fmt(gr.cpuAt10kVs100, 2)}` : "–"}` : ""} |`,
    );
  }
}

/** A line per request that failed at a size, with the Worker's error. */
function failures(lines, points, unit) {
  for (const p of points ?? []) {
    for (const [kind, r] of Object.entries(p.requests ?? {})) {
      if (!r?.error) continue;
      const why = (r.workerErrors ?? []).map((e) => /"error":"([^"]*)"/.exec(e)?.[1] ?? e).join("; ");
      lines.push(
        "",
        `At ${p.size.toLocaleString("en-US")} ${unit} ${KIND_LABEL[kind]} failed: ${why || r.error}`,
      );
    }
  }
}

/** The scale section of the generated Markdown (empty without scale results). */
export function scaleMarkdown(scale) {
  if (!scale) return [];
  const lines = [
    "",
    '**Scale curves** (`--only scale`; method and findings: "Scale curves" in docs/benchmarks.md)',
  ];
  if (scale.config?.quickCaps)
    lines.push("", `*Quick run: ${scale.config.quickCaps}; figures not meaningful.*`);
  const prs = scale.prs?.points ?? [];
  const seeded = prs.filter((p) => p.seededBy === "storage").map((p) => p.size.toLocaleString("en-US"));
  curveTable(
    lines,
    `Open PRs (team of 6; ${prs[0]?.size ?? 100} PRs through webhooks${seeded.length ? `, ${seeded.join(", ")} seeded into the Review Manager's storage` : ""}). ` +
      "Each cell: CPU ms per request (4 connections) · answer ms (commands and API: one request alone, median; deliveries: p50 at 4 connections).",
    prs,
    scale.growth?.prs,
    "",
  );
  failures(lines, prs, "open PRs");
  curveTable(
    lines,
    `Team size (${scale.team?.prsViaWebhooks ?? 100} PRs through webhooks, more as deliveries are measured; team grown with \`team add\`).`,
    scale.team?.points,
    scale.growth?.team,
    "team",
  );
  failures(lines, scale.team?.points, "people");
  const ingest = scale.ingest?.points ?? [];
  if (ingest.length) {
    lines.push(
      "",
      `Ingest against a backlog (agents paused; unique deliveries at ${scale.ingest.connections} connections; backlog seeded into the inboxes).`,
      "",
      "| backlog at the start | accepted (/s) | taken | CPU ms / delivery | … to the answer | p50 | p99 | log: recorded / missing / twice / unpublished / unknown |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const p of ingest) {
      const c = p.check ?? {};
      lines.push(
        `| ${fmt(p.backlogAtStart ?? p.backlog, 0)} | ${p.accepted} (${fmt(p.acceptedPerSecond, 0)}) | ${p.taken} | ${fmt(p.cpuMsPerRequest, 3)} | ${fmt(p.ingestAnswerCpuMsPerDelivery, 3)} | ${fmt(p.p50)} | ${fmt(p.p99)} | ${c.recorded} / ${c.missing} / ${c.doubled} / ${c.unpublished} / ${c.unknown} |`,
      );
    }
  }
  const ticks = scale.cron?.ticks ?? [];
  if (ticks.length) {
    lines.push(
      "",
      `Cron tick (\`triggerScheduled\`; CPU until workerd is quiet). ${scale.cron.duePosted ?? "–"} of ${scale.cron.due} due digests posted.`,
      "",
      "| tick | CPU ms | wall ms (trigger) | until quiet ms | log lines | TenantSettings objects created |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const t of ticks)
      lines.push(
        `| ${t.label} | ${fmt(t.cpuMs, 0)} | ${fmt(t.wallMs, 0)} | ${fmt(t.settledMs, 0)} | ${t.logLines} | ${t.settingsObjectsCreated ?? "–"} |`,
      );
  }
  if (scale.goals?.length) {
    lines.push(
      "",
      "Scale goals (bench figures, not assertions)",
      "",
      "| goal | measured | result |",
      "| --- | --- | --- |",
    );
    for (const goal of scale.goals)
      lines.push(`| ${goal.goal} | ${fmt(goal.measured, 2)} | ${mark(goal.pass)} |`);
  }
  return lines;
}
