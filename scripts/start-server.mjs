/**
 * `npm start`'s engine, also used by `npm run bench` and `npm run test:load`: builds the Worker the way
 * `wrangler deploy` bundles it (`wrangler deploy --dry-run --outdir`, so the `[alias]` stubs and any
 * `[build]` command apply) and serves that bundle on the Workers runtime (workerd, through Miniflare's
 * API) with every binding local and state persisted on disk.
 *
 * The bindings are not listed here: `unstable_getMiniflareWorkerOptions` (wrangler) turns wrangler.toml
 * into Miniflare options — Durable Objects (SQLite-backed per the migrations), KV, R2, queues with their
 * consumers and dead-letter queues, Analytics Engine, assets, vars, crons — so a binding added to
 * wrangler.toml is served without touching this file.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseDevVars } from "./dev-vars.mjs";
import { cronMatches, nextMinute } from "./start-cron.mjs";

const require = createRequire(import.meta.url);

/** Quiet wrangler's banner, update check and telemetry in the build and config reader. */
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", NO_COLOR: "1" };

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8787,
  persistTo: ".foreman",
  outdir: "dist/worker",
  config: "wrangler.toml",
};

/**
 * `wrangler deploy --dry-run --outdir <outdir>`: the exact bundle a deploy would upload.
 * Resolves to the bundle's path; rejects with wrangler's output when the build fails.
 */
export async function buildWorker({
  root = process.cwd(),
  config = DEFAULTS.config,
  env = "",
  outdir,
  extraArgs = [],
}) {
  const wrangler = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
  const out = resolve(root, outdir);
  const args = [wrangler, "deploy", "--dry-run", "--config", config, `--env=${env}`, "--outdir", out];
  args.push(...extraArgs);
  const output = [];
  const code = await new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => output.push(d));
    child.stderr.on("data", (d) => output.push(d));
    child.on("error", fail);
    child.on("close", done);
  });
  const bundle = join(out, "index.js");
  if (code !== 0 || !existsSync(bundle)) {
    throw new Error(`wrangler deploy --dry-run failed (exit ${code}):\n${Buffer.concat(output).toString()}`);
  }
  return bundle;
}

/** The `[vars]` of the config (and environment), as wrangler reads them. */
async function configVars(root, config, env) {
  Object.assign(process.env, { WRANGLER_LOG: process.env.WRANGLER_LOG ?? "error", ...WRANGLER_ENV });
  const { unstable_readConfig } = await import("wrangler");
  const parsed = unstable_readConfig({ config: resolve(root, config), env: env || undefined });
  return { name: parsed.name ?? "worker", vars: parsed.vars ?? {} };
}

/** `.dev.vars` (or `.dev.vars.<env>`) next to the config, parsed by the scripts' one reader. */
export function readDevVarsFile(root, env) {
  const candidates = [env ? `.dev.vars.${env}` : null, ".dev.vars"].filter(Boolean);
  for (const name of candidates) {
    const file = resolve(root, name);
    if (existsSync(file)) return { file: name, vars: parseDevVars(readFileSync(file, "utf8")) };
  }
  return { file: null, vars: {} };
}

const MODULE_TYPES = [
  [/\.(?:m?js)$/, "ESModule"],
  [/\.cjs$/, "CommonJS"],
  [/\.wasm$/, "CompiledWasm"],
  [/\.(?:txt|html|sql)$/, "Text"],
  [/\.bin$/, "Data"],
];

/** The modules wrangler wrote to the out dir, the entry (index.js) first; maps and README skipped. */
export function bundleModules(bundle) {
  const dir = dirname(bundle);
  const modules = [{ type: "ESModule", path: bundle }];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path !== bundle) {
        const type = MODULE_TYPES.find(([re]) => re.test(entry.name))?.[1];
        if (type) modules.push({ type, path });
      }
    }
  };
  walk(dir);
  return modules;
}

/**
 * Miniflare options for the built bundle. Bindings from wrangler.toml; text bindings are rebuilt as
 * `[vars]` + `.dev.vars` secrets (when `devVars`) + `vars` overrides, so a caller (the bench) can run
 * with exactly the secrets it chooses.
 */
export async function workerOptionsFor({ root, config, env, bundle, devVars, vars }) {
  const { name, vars: fromConfig } = await configVars(root, config, env);
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { workerOptions, externalWorkers } = unstable_getMiniflareWorkerOptions(
    resolve(root, config),
    env || undefined,
  );
  // `bindings` holds only vars and secrets (wrangler merged .dev.vars into them): rebuilt from [vars],
  // so `devVars: false` really leaves .dev.vars out, overrides of [vars] included.
  const secrets = devVars ? readDevVarsFile(root, env) : { file: null, vars: {} };
  // wrangler.toml trusts CF-Connecting-IP for the deployed environments, where Cloudflare's edge sets
  // it. No edge is in front of this node (even `--edge` keeps a client's own value), so that setting
  // is dropped; a proxy in front that sets a header is named with `--var` or `.dev.vars`.
  const { TRUST_PROXY_HEADER: _edgeOnly, ...configured } = fromConfig;
  const bindings = { ...configured, ...secrets.vars, ...vars };
  // The bundle is already resolved: its modules are listed (below), not matched by `rules`.
  const { modulesRules: _rules, ...rest } = workerOptions;
  const main = { ...rest, name, bindings, modules: bundleModules(bundle), modulesRoot: dirname(bundle) };
  return { name, main, externalWorkers, secretsFile: secrets.file, cronTriggers: main.cronTriggers ?? [] };
}

/**
 * Builds (unless `bundle` is given) and serves Foreman. Resolves once the server listens.
 * @returns {{ url: URL, controlUrl: URL, edge: boolean, mf: import("miniflare").Miniflare, name: string, bundle: string,
 *   persistPath: string | null, secretsFile: string | null, cronTriggers: string[],
 *   compatibilityDate: string, compatibilityFlags: string[],
 *   triggerScheduled: (cron: string, at?: number) => Promise<Response>, stop: () => Promise<void> }}
 */
export async function startForeman(options = {}) {
  const root = resolve(options.root ?? process.cwd());
  const config = options.config ?? DEFAULTS.config;
  const env = options.env ?? "";
  const say = options.log ?? (() => {});
  let bundle = options.bundle;
  if (!bundle) {
    const started = Date.now();
    bundle = await buildWorker({ root, config, env, outdir: options.outdir ?? DEFAULTS.outdir });
    const kib = Math.round(statSync(bundle).size / 1024);
    say(`built ${bundle} (${kib} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const worker = await workerOptionsFor({
    root,
    config,
    env,
    bundle,
    devVars: options.devVars ?? true,
    vars: options.vars ?? {},
  });

  const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = await import("miniflare");
  // `persistTo: null` keeps state in memory only (the bench and load test use a fresh folder instead).
  const persistPath =
    options.persistTo === null ? null : resolve(root, options.persistTo ?? DEFAULTS.persistTo);
  if (persistPath) mkdirSync(persistPath, { recursive: true });
  const host = options.host ?? DEFAULTS.host;
  const port = options.port ?? DEFAULTS.port;
  // Direct (default): the public socket is workerd's own, into the assets router and the Worker, as
  // on Cloudflare. Edge: through Miniflare's entry worker (sets CF-Connecting-IP from the peer, logs
  // requests, answers /cdn-cgi/local/*), one more JavaScript hop per request. The entry socket always
  // exists; in direct mode it is on a free loopback port and only drives the cron timer.
  const edge = options.edge ?? false;
  if (!edge) worker.main.unsafeDirectSockets = [{ host, port }];
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: edge ? host : "127.0.0.1",
      port: edge ? port : 0,
      // Same layout as wrangler's `--persist-to <dir>` (`<dir>/v3`): wrangler's local commands can read it.
      ...(persistPath ? { resourcePersistencePath: join(persistPath, "v3") } : {}),
      log: new Log(
        options.verbose ? LogLevel.DEBUG : edge && options.logRequests ? LogLevel.INFO : LogLevel.WARN,
        { prefix: "workerd" },
      ),
      // The Worker's console output: printed (default), or handed to `onLog({ level, message })`.
      ...(options.onLog ? { handleStructuredLogs: options.onLog } : {}),
      logRequests: edge && (options.logRequests ?? false),
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort, inspectorHost: "127.0.0.1" } : {}),
      // Lets the bench and the load test read Durable Object storage (mf.unsafeGetDurableObjectStorage).
      ...(options.inspectStorage ? { unsafeInspectDurableObjects: true } : {}),
      unsafeTriggerHandlers: true,
      cf: false,
      telemetry: { enabled: false },
      workers: [worker.main, ...worker.externalWorkers],
    }),
  );
  const controlUrl = await mf.ready;
  const url = edge ? controlUrl : await mf.unsafeGetDirectURL(worker.name);

  /** Runs the Worker's `scheduled` handler for one cron expression (what the cron timer does). */
  const triggerScheduled = (cron, at = Date.now()) =>
    fetch(new URL(`/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&time=${at}`, controlUrl));

  let timer;
  if ((options.cron ?? true) && worker.cronTriggers.length > 0) {
    const tick = () => {
      const at = nextMinute(Date.now());
      timer = setTimeout(() => {
        for (const cron of worker.cronTriggers.filter((c) => cronMatches(c, new Date(at)))) {
          triggerScheduled(cron, at)
            .then((res) => res.arrayBuffer().then(() => say(`cron ${cron}: scheduled -> ${res.status}`)))
            .catch((err) => say(`cron ${cron}: ${err instanceof Error ? err.message : err}`));
        }
        tick();
      }, at - Date.now());
      timer.unref?.();
    };
    tick();
  }

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      clearTimeout(timer);
      await mf.dispose();
    })();
    return stopping;
  };
  return {
    url,
    controlUrl,
    edge,
    mf,
    name: worker.name,
    bundle,
    persistPath,
    secretsFile: worker.secretsFile,
    cronTriggers: worker.cronTriggers,
    compatibilityDate: worker.main.compatibilityDate,
    compatibilityFlags: worker.main.compatibilityFlags ?? [],
    triggerScheduled,
    stop,
  };
}
