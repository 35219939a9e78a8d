/**
 * CPU profile of the Worker while a load runs, through workerd's inspector (Chrome DevTools
 * protocol; Foreman started with `inspectorPort`). Writes the `.cpuprofile` (open it in Chrome
 * DevTools or speedscope) and summarises self time by function, so a slow path can be read off.
 */
import { writeFileSync } from "node:fs";

/** The inspector target of the Foreman Worker (its Durable Objects run in the same isolate). */
async function targetUrl(inspectorPort, workerName) {
  const list = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = list.find((t) => t.title?.includes(workerName)) ?? list[0];
  if (!target) throw new Error(`no inspector target on port ${inspectorPort}`);
  return target.webSocketDebuggerUrl;
}

function connect(url) {
  const ws = new WebSocket(url);
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data));
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  });
  const ready = new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { ready, send, close: () => ws.close() };
}

/** Runs `work()` under the profiler; returns its result and the profile's summary. */
export async function profiled({ inspectorPort, workerName, file, top = 25 }, work) {
  const session = connect(await targetUrl(inspectorPort, workerName));
  await session.ready;
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 200 });
  await session.send("Profiler.start");
  let result;
  try {
    result = await work();
  } finally {
    const { profile } = await session.send("Profiler.stop");
    session.close();
    if (file) writeFileSync(file, JSON.stringify(profile));
    result = { result, summary: summarise(profile, top) };
  }
  return result;
}

/** Self time per function (ms and %), heaviest first; idle and GC reported on their own. */
export function summarise(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((nodeId, i) => {
    self.set(nodeId, (self.get(nodeId) ?? 0) + (deltas[i] ?? 0));
  });
  const totals = new Map();
  let all = 0;
  for (const [nodeId, us] of self) {
    const node = byId.get(nodeId);
    const f = node.callFrame;
    const where = f.url ? `${f.url.split("/").pop()}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    totals.set(key, (totals.get(key) ?? 0) + us);
    all += us;
  }
  const rows = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 100) / 10, pct: Math.round((us / all) * 1000) / 10 }));
  return { totalMs: Math.round(all / 1000), rows };
}

/** Heaviest call paths (leaf <- callers) ending in a function whose name matches `re`. */
export function pathsTo(profile, re, depth = 8, top = 8) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (const [i, id] of profile.samples.entries())
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const paths = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!re.test(node.callFrame.functionName)) continue;
    const names = [];
    let cur = id;
    for (let d = 0; d < depth && cur !== undefined; d++) {
      const f = byId.get(cur).callFrame;
      names.push(`${f.functionName || "(anon)"}:${f.lineNumber + 1}`);
      cur = parent.get(cur);
    }
    const key = names.join(" <- ");
    paths.set(key, (paths.get(key) ?? 0) + us);
  }
  return [...paths]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([p, us]) => `${(us / 1000).toFixed(1)}ms ${p}`);
}
