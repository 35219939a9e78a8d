/**
 * A Cron Trigger tick over many tenants. Tenants are made through the admin API (a Slack workspace
 * bound to each: `POST /api/tenants/:id/chat`, which is what puts a tenant in the Directory); `due`
 * of them get, through signed slash commands in their own workspace, the repository linked (which
 * starts their standing agents), empty digests posted (`digest filter --empty post`: they have no
 * PRs) and a digest schedule whose slot is a minute old. The scheduled handler is run through
 * Miniflare (`triggerScheduled`, what the cron timer of `npm start` does) and measured: workerd CPU
 * from the trigger until the process is quiet again, and the wall time of the trigger. Four ticks:
 * before the tenants are made; with `due` digests due (the first tick after the tenants were made);
 * with nothing due; with `due` due again (the steady state the scale goal is judged on).
 *
 * Which tenants a tick reached is not logged by the product; what can be seen: the TenantSettings
 * objects that exist on disk afterwards and did not before (a tenant made only by a chat binding has
 * none until something reads its settings), the Worker's log lines, and each due channel's
 * `lastPostedSlotMs` (GET /api/digests).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cpuMs } from "./cpu.mjs";
import { round } from "./load.mjs";
import { commandIn } from "./scale-curves.mjs";
import { settled } from "./scale-measure.mjs";
import { api } from "./setup.mjs";
import { REPO } from "./signing.mjs";

const CRON = "*/5 * * * *";

export const tenantId = (n) => `scale-${String(n).padStart(4, "0")}`;
export const workspaceOf = (n) => `TSCALE${String(n).padStart(5, "0")}`;

/** TenantSettings objects persisted (one SQLite file each). */
function settingsObjects(server) {
  const dir = server.persistPath && join(server.persistPath, "v3", "do", `${server.name}-TenantSettings`);
  if (!dir || !existsSync(dir)) return null;
  return readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite").length;
}

/** One scheduled run (at the present time), measured until workerd is quiet. */
export async function tick(server, label) {
  const objects = settingsObjects(server);
  const logs = server.logs.total;
  const before = cpuMs(server.pid);
  const t = Date.now();
  const res = await server.triggerScheduled(CRON, Date.now());
  await res.arrayBuffer();
  const wallMs = Date.now() - t;
  const quietAfterMs = await settled(server.pid, { maxMs: 60_000 });
  const after = cpuMs(server.pid);
  const objectsAfter = settingsObjects(server);
  return {
    label,
    status: res.status,
    cpuMs: before !== null && after !== null ? round(after - before, 0) : null,
    wallMs,
    // The last second of the wait is the two quiet windows themselves.
    settledMs: wallMs + Math.max(0, quietAfterMs - 1000),
    logLines: server.logs.total - logs,
    settingsObjectsCreated: objects === null || objectsAfter === null ? null : objectsAfter - objects,
  };
}

/** POST /api/tenants/:id/chat for tenants 1…count, `parallel` at a time. */
async function makeTenants(origin, count, parallel = 16) {
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      await api(origin, "POST", `/api/tenants/${tenantId(n)}/chat`, {
        platform: "slack",
        workspaceId: workspaceOf(n),
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** The UTC "HH:MM" of a minute ago (its slot today is due, and inside the catch-up hour). */
function minuteAgo() {
  return new Date(Date.now() - 60_000).toISOString().slice(11, 16);
}

/**
 * @param {object} server a startForemanTarget (its default tenant may already be in use)
 * @param {{ tenants: number, due: number, say: (s: string) => void }} o
 */
export async function cronCurve(server, { tenants, due, say }) {
  const out = { tenants, due, ticks: [] };
  await settled(server.pid);
  out.ticks.push(await tick(server, "before: default tenant only, nothing due"));
  say(`cron tick (default tenant only): ${JSON.stringify(out.ticks.at(-1))}`);

  let t = Date.now();
  await makeTenants(server.origin, tenants);
  out.tenantsMadeS = round((Date.now() - t) / 1000, 1);
  const step = Math.floor(tenants / due);
  const dueTenants = Array.from({ length: due }, (_, i) => 1 + i * step);
  const at = minuteAgo();
  const scheduledAt = Date.now();
  t = Date.now();
  for (const [i, n] of dueTenants.entries()) {
    const ws = workspaceOf(n);
    await commandIn(server.origin, ws, `link github ${REPO}`, 800_000 + i * 10);
    await commandIn(server.origin, ws, "digest filter --empty post", 800_001 + i * 10);
    await commandIn(
      server.origin,
      ws,
      `digest schedule ${at} UTC mon,tue,wed,thu,fri,sat,sun`,
      800_002 + i * 10,
    );
  }
  out.dueSetUpS = round((Date.now() - t) / 1000, 1);
  out.schedule = `${at} UTC, every day`;
  say(
    `${tenants} tenants made in ${out.tenantsMadeS} s; ${due} with a digest due set up in ${out.dueSetUpS} s`,
  );

  await settled(server.pid);
  out.ticks.push(
    await tick(server, `${tenants} tenants, ${due} digests due (first tick after they were made)`),
  );
  say(`cron tick (${tenants} tenants, ${due} due): ${JSON.stringify(out.ticks.at(-1))}`);
  // Posted: the digest reached the tenant's local outbox (no Slack token) under the cron's key.
  let recorded = 0;
  let posted = 0;
  for (const n of dueTenants) {
    const { channels } = await api(server.origin, "GET", `/api/digests?tenant=${tenantId(n)}`);
    if (channels.some((c) => typeof c.lastPostedSlotMs === "number")) recorded++;
    const { entries } = await api(server.origin, "GET", `/api/outbox?limit=50&tenant=${tenantId(n)}`);
    if (entries.some((e) => String(e.key ?? "").startsWith("digest:slot:"))) posted++;
  }
  out.dueRecorded = recorded;
  out.duePosted = posted;
  say(`due channels after the tick: ${recorded} of ${due} with the slot recorded, ${posted} posted`);

  await settled(server.pid);
  out.ticks.push(await tick(server, `${tenants} tenants, nothing due (slots handled)`));
  say(`cron tick (${tenants} tenants, nothing due): ${JSON.stringify(out.ticks.at(-1))}`);

  // Due again (a new slot a minute ago): the steady state.
  await new Promise((r) => setTimeout(r, Math.max(0, 61_000 - (Date.now() - scheduledAt))));
  const again = minuteAgo();
  for (const [i, n] of dueTenants.entries())
    await commandIn(
      server.origin,
      workspaceOf(n),
      `digest schedule ${again} UTC mon,tue,wed,thu,fri,sat,sun`,
      810_000 + i,
    );
  await settled(server.pid);
  out.ticks.push(await tick(server, `${tenants} tenants, ${due} digests due again`));
  say(`cron tick (${tenants} tenants, ${due} due again): ${JSON.stringify(out.ticks.at(-1))}`);
  return out;
}
