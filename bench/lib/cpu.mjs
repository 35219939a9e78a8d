/**
 * CPU time of a server process (user + system, from /proc/<pid>/stat), to report CPU milliseconds
 * per request next to wall-clock figures: on a shared machine the wall clock is noisy, the CPU a
 * request costs much less so. Linux only; elsewhere every reading is null.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in ms, or null when /proc is not readable. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The workerd processes that are children of this process. */
export function workerdChildren() {
  const pids = new Set();
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (!readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("workerd")) continue;
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid)
          pids.add(Number(entry));
      } catch {}
    }
  } catch {}
  return pids;
}

/** Starts a server with `start()` and finds the workerd process it spawned (null if not one). */
export async function spawnedWorkerd(start) {
  const before = workerdChildren();
  const server = await start();
  const fresh = [...workerdChildren()].filter((pid) => !before.has(pid));
  return { server, pid: fresh.length === 1 ? fresh[0] : null };
}

/** Runs `work` and adds `cpuMsPerRequest` (server CPU / requests answered) to its summary. */
export async function withCpu(pid, work) {
  const before = pid ? cpuMs(pid) : null;
  const summary = await work();
  const after = pid ? cpuMs(pid) : null;
  const cpu = before !== null && after !== null ? after - before : null;
  const n = summary.requests ?? summary.run?.requests ?? 0;
  const perRequest = cpu !== null && n > 0 ? Math.round((cpu / n) * 1000) / 1000 : null;
  return { ...summary, cpuMsPerRequest: perRequest };
}
