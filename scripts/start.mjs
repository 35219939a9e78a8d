#!/usr/bin/env node
/**
 * `npm start`: Foreman as a single production-like node. Builds the Worker as `wrangler deploy` would
 * and serves it on the Workers runtime (workerd) with every binding local and its state persisted under
 * `.foreman/`. `npm run dev` stays the developer loop (reloads, dev proxy); this is for trying Foreman
 * as it runs, self-hosting trials and the benchmarks.
 *
 *   npm start [-- --port 8787] [--host 127.0.0.1] [--persist-to .foreman] [--env <name>]
 *                [--outdir dist/worker] [--no-build] [--no-cron] [--no-dev-vars] [--var KEY=VALUE]...
 *                [--edge [--log-requests]] [--verbose]
 *
 * The port is workerd's own socket into the assets router and the Worker (no dev proxy in between).
 * `--edge` puts Miniflare's entry worker in front instead, the way an edge would be: it sets
 * CF-Connecting-IP from the peer address (only when the client sent none, so the rate limit does not
 * believe it) and can log every request, at about half the throughput. Behind a reverse proxy, name
 * the header it sets: `--var TRUST_PROXY_HEADER=X-Forwarded-For` (docs/security.md).
 *
 * Vars come from wrangler.toml `[vars]` (or `[env.<name>.vars]`), secrets from `.dev.vars`, `--var`
 * overrides both. Cron Triggers fire on their wrangler.toml schedule (UTC); the start-up lines print a
 * curl that runs one now (Miniflare's `/cdn-cgi/local/scheduled`, which `wrangler dev` serves at
 * `/cdn-cgi/handler/scheduled`).
 */
import { relative, resolve } from "node:path";
import { parseCron } from "./start-cron.mjs";
import { DEFAULTS, startForeman } from "./start-server.mjs";

const USAGE = `Usage: npm start [-- --port <n>] [--host <ip>] [--persist-to <dir>] [--env <name>] [--outdir <dir>]
                    [--no-build] [--no-cron] [--no-dev-vars] [--var KEY=VALUE]... [--edge [--log-requests]] [--verbose]`;

function die(message) {
  console.error(message);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {
    host: DEFAULTS.host,
    port: DEFAULTS.port,
    persistTo: DEFAULTS.persistTo,
    outdir: DEFAULTS.outdir,
    env: "",
    build: true,
    cron: true,
    devVars: true,
    vars: {},
    edge: false,
    logRequests: false,
    verbose: false,
  };
  const next = (i, flag) => {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) die(`${flag} needs a value\n${USAGE}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].includes("=") && argv[i].startsWith("--") ? argv[i].split(/=(.*)/s) : [argv[i]];
    const value = () => (inline !== undefined ? inline : next(i++, flag));
    if (flag === "--port") {
      args.port = Number(value());
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
        die(`--port: not a port\n${USAGE}`);
    } else if (flag === "--host") args.host = value();
    else if (flag === "--persist-to") args.persistTo = value();
    else if (flag === "--outdir") args.outdir = value();
    else if (flag === "--env") args.env = value();
    else if (flag === "--var") {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value());
      if (!m) die(`--var: expected KEY=VALUE\n${USAGE}`);
      args.vars[m[1]] = m[2];
    } else if (flag === "--no-build") args.build = false;
    else if (flag === "--no-cron") args.cron = false;
    else if (flag === "--no-dev-vars") args.devVars = false;
    else if (flag === "--edge") args.edge = true;
    else if (flag === "--log-requests") args.logRequests = true;
    else if (flag === "--verbose") args.verbose = true;
    else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else die(`Unknown argument "${argv[i]}"\n${USAGE}`);
  }
  return args;
}

const log = (msg) => console.log(`[foreman] ${msg}`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.logRequests && !args.edge)
    die(`--log-requests needs --edge (the request log is the entry worker's)\n${USAGE}`);
  const server = await startForeman({
    ...args,
    bundle: args.build ? undefined : resolve(args.outdir, "index.js"),
    log,
  });
  const where = server.url.origin.replace("localhost", args.host);
  log(`${server.name} on the Workers runtime at ${where}/ (dashboard), ${where}/api/health`);
  log(
    server.edge
      ? "front: Miniflare's entry worker (--edge)"
      : "front: none (workerd's socket; --edge for an edge-like entry)",
  );
  const state = server.persistPath ? relative(process.cwd(), server.persistPath) || "." : "in memory";
  log(`state: ${state.startsWith("..") ? server.persistPath : state}`);
  log(
    `secrets: ${server.secretsFile ?? "none (no .dev.vars)"}${Object.keys(args.vars).length ? ` + --var ${Object.keys(args.vars).join(", ")}` : ""}`,
  );
  for (const cron of server.cronTriggers) {
    if (!parseCron(cron)) log(`cron "${cron}" is not supported by npm start's timer: trigger it by hand`);
  }
  if (server.cronTriggers.length) {
    log(`crons: ${server.cronTriggers.join(", ")}${args.cron ? " (UTC)" : " (timer off: --no-cron)"}`);
    const cron = encodeURIComponent(server.cronTriggers[0]);
    log(`run one now: curl '${server.controlUrl.origin}/cdn-cgi/local/scheduled?cron=${cron}'`);
  }
  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    setTimeout(() => process.exit(1), 10_000).unref();
    server.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  // Miniflare's own handlers kill workerd and exit 130 at once; replace them with a graceful stop
  // (its exit hook still reaps workerd if disposing hangs).
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.removeAllListeners(signal);
    process.on(signal, () => shutdown(signal));
  }
}

main().catch((err) => {
  console.error(`[foreman] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
