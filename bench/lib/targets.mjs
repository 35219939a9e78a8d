/**
 * The servers the bench drives, each started by the bench itself on 127.0.0.1 and stopped afterwards:
 * Foreman (the `npm start` code path, fresh state), a hello-world Worker on the same runtime (the
 * ceiling) and the minimal Bolt app on Node (bench/bolt-app.mjs, a child process).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startForeman } from "../../scripts/start-server.mjs";
import { spawnedWorkerd } from "./cpu.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Foreman through `startForeman` (the same build and runtime as `npm start`) with a throw-away state
 * folder, no `.dev.vars` and only the secrets given. Worker logs are counted by level, not printed.
 */
export async function startForemanTarget({ vars, bundle, port = 0, inspectorPort } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "foreman-bench-"));
  const logs = { total: 0, byLevel: {}, errors: [] };
  const { server, pid } = await spawnedWorkerd(() =>
    startForeman({
      root: ROOT,
      port,
      persistTo: join(dir, "state"),
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
 * A hello-world Worker (reads the body, answers 200 text) on the same runtime and flags as Foreman,
 * served the same way (workerd's own socket; `edge: true`: through Miniflare's entry worker).
 */
export async function startHelloWorld({ compatibilityDate, compatibilityFlags, edge = false }) {
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
        name: "hello",
        modules: true,
        script,
        compatibilityDate,
        compatibilityFlags,
        ...(edge ? {} : { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] }),
      }),
    );
    await instance.ready;
    return instance;
  });
  const url = edge ? await mf.ready : await mf.unsafeGetDirectURL("hello");
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
