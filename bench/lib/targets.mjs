/**
 * The servers the bench drives, each started by the bench itself on 127.0.0.1 and stopped afterwards:
 * Foreman (the `npm start` code path, fresh state), hello-world Workers on the same runtime (the
 * ceilings: bare, and behind the same `[assets]` router as Foreman) and the minimal Bolt app on Node
 * (bench/bolt-app.mjs, a child process).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startForeman } from "../../scripts/start-server.mjs";
import { spawnedWorkerd } from "./cpu.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Foreman through `startForeman` (the same build and runtime as `npm start`) with a throw-away state
 * folder (or `persistTo`, kept), no `.dev.vars` and only the secrets given. Worker logs are counted by
 * level, not printed.
 */
export async function startForemanTarget({ vars, bundle, port = 0, inspectorPort, persistTo } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "foreman-bench-"));
  const logs = { total: 0, byLevel: {}, errors: [] };
  const { server, pid } = await spawnedWorkerd(() =>
    startForeman({
      root: ROOT,
      port,
      persistTo: persistTo ?? join(dir, "state"),
      outdir: join(dir, "worker"),
      bundle,
      devVars: false,
      vars,
      cron: false,
      inspectorPort,
      inspectStorage: true,
      onLog: (entry) => {
        logs.total++;
        logs.byLevel[entry.level] = (logs.byLevel[entry.level] ?? 0) + 1;
        if ((entry.level === "error" || /"level":"error"/.test(entry.message)) && logs.errors.length < 20) {
          logs.errors.push(entry.message.slice(0, 500));
        }
      },
    }),
  );
  return {
    ...server,
    pid,
    origin: server.url.origin,
    logs,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * How wrangler.toml has Foreman served, read by wrangler as `startForeman` reads it: compatibility
 * date and flags, the `[assets]` options (directory, `run_worker_first` and the router config
 * wrangler derives from them) and the Durable Object classes.
 */
export async function foremanServing({ config = "wrangler.toml", env } = {}) {
  process.env.WRANGLER_LOG ??= "error";
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(ROOT, config), env || undefined);
  return {
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags ?? [],
    assets: workerOptions.assets,
    durableObjectClasses: Object.values(workerOptions.durableObjects ?? {}).map((d) =>
      typeof d === "string" ? d : d.className,
    ),
  };
}

/**
 * A hello-world Worker (reads the body, answers 200 text) on the same runtime and flags as Foreman,
 * on workerd's own socket (`edge: true`: through Miniflare's entry worker). With `assets` (from
 * `foremanServing`), the socket leads into the assets router first, as Foreman's does: the fair
 * ceiling, which pays the router as Foreman does.
 */
export async function startHelloWorld({
  compatibilityDate,
  compatibilityFlags,
  edge = false,
  assets,
  name = "hello",
}) {
  const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = await import("miniflare");
  const script = `export default {
  async fetch(request) {
    await request.arrayBuffer();
    return new Response("Hello World!", { headers: { "content-type": "text/plain" } });
  },
};`;
  const { server: mf, pid } = await spawnedWorkerd(async () => {
    const instance = new Miniflare(
      convertV4MiniflareOptions({
        host: "127.0.0.1",
        port: 0,
        log: new Log(LogLevel.WARN),
        cf: false,
        telemetry: { enabled: false },
        name,
        modules: true,
        script,
        compatibilityDate,
        compatibilityFlags,
        ...(assets ? { assets } : {}),
        ...(edge ? {} : { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] }),
      }),
    );
    await instance.ready;
    return instance;
  });
  const url = edge ? await mf.ready : await mf.unsafeGetDirectURL(name);
  return { origin: url.origin, pid, close: () => mf.dispose() };
}

/** bench/bolt-app.mjs in its own Node process; resolves when it listens. */
export async function startBolt({ signingSecret, ackJson }) {
  const child = spawn(process.execPath, [join(ROOT, "bench", "bolt-app.mjs"), "0"], {
    cwd: ROOT,
    env: { ...process.env, SLACK_SIGNING_SECRET: signingSecret, BOLT_ACK_JSON: ackJson },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  const port = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`bolt app exited (${code}) before it was ready: ${out}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    close: () =>
      new Promise((resolve) => {
        process.removeListener("exit", reap);
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}
