/**
 * Ingest against a backlog: a bounded run of unique GitHub deliveries at 64 connections while the
 * agents' inboxes already hold `backlog` unprocessed events. The standing agents are paused (they
 * keep taking events into their inboxes); a warm-up of 400 deliveries on that path is worked through
 * by the agents resumed for it, then they are paused again. One real delivery is then sent and
 * becomes the template the backlog is copied from (scale-seed.mjs `seedInboxes`: into every inbox
 * that holds it, and into the Coordinator's delivery log as published). The runs themselves add to the backlog, so each point
 * tops it up to its size. CPU per delivery counts from the start of the run until workerd is quiet
 * again (the hand-off into the inboxes happens after the answer); afterwards the delivery log is
 * checked for exactly-once (ingest.mjs `checkLog`).
 */
import { cpuMs } from "./cpu.mjs";
import { checkLog, deliveryLog, pendingCount, uniqueDeliveries } from "./ingest.mjs";
import { round } from "./load.mjs";
import { liveAgents } from "./scale-curves.mjs";
import { drained, reviewManagerTarget, settled } from "./scale-measure.mjs";
import { inboxPending, seededDeliveryId, seedInboxes, storageOf } from "./scale-seed.mjs";
import { send, setAgents, setUpTenant } from "./setup.mjs";
import { githubDelivery } from "./signing.mjs";

/**
 * @param {object} server a fresh startForemanTarget
 * @param {{ backlogs: number[], deliveries: number, connections: number, batch: number, say: (s: string) => void }} o
 *   `deliveries` per point: fewer than the gap between two backlogs, so each point starts at its own
 */
export async function ingestCurve(server, { backlogs, deliveries, connections, batch, say }) {
  await setUpTenant(server.origin);
  const agents = await liveAgents(server.origin);
  // Warm-up (the ingest path's first deliveries on a fresh runtime cost more), worked through by the
  // running agents, so the first point starts from an empty backlog.
  await setAgents(server.origin, "pause");
  const tasks = await reviewManagerTarget(server.origin, agents, 0);
  const warm = await uniqueDeliveries({ origin: server.origin, connections, amount: 400, firstPr: 50_000 });
  tasks.tasksDone += warm.tally.accepted ?? 0;
  await settled(server.pid);
  await setAgents(server.origin, "resume");
  const notDrained = await drained(server.origin, agents, 60_000, tasks);
  await setAgents(server.origin, "pause");
  await settled(server.pid);
  const rm = agents.find((a) => a.type === "review-manager");
  const template = githubDelivery(1);
  const first = await send(server.origin, template.request);
  if (first.status !== 200 || !first.text.includes('"accepted"'))
    throw new Error(`the first delivery answered ${first.status}: ${first.text.slice(0, 200)}`);
  // Wait until it is in the inboxes (the hand-off runs after the answer).
  const check0 = await checkLog(server, new Map([[template.deliveryId, "accepted"]]), { waitMs: 10_000 });
  if (check0.unpublished.length) throw new Error("the first delivery was not published to the inboxes");
  const inboxes = [];
  for (const a of agents) {
    const storage = await storageOf(server, a.className, a.agentId);
    const [row] = await storage.exec(
      "SELECT COUNT(*) AS n FROM inbox WHERE correlation_id = ?",
      template.deliveryId,
    );
    if (Number(row?.n ?? 0) > 0) inboxes.push({ type: a.type, perDelivery: Number(row.n), storage });
  }
  const coordinator = await storageOf(server, "Coordinator", "default");
  const out = {
    agents: "paused (events wait in their inboxes)",
    warmUp: { deliveries: warm.tally.accepted ?? 0, leftInInboxes: notDrained },
    inboxes: inboxes.map((i) => ({ type: i.type, perDelivery: i.perDelivery })),
    connections,
    points: [],
  };
  say(`ingest: inboxes taking pull_request events: ${JSON.stringify(out.inboxes)}`);

  let seeded = 0;
  const sentBefore = [template.deliveryId, ...warm.sentIds];
  let firstPr = 100_000;
  for (const backlog of backlogs) {
    const point = { backlog };
    const now = await pendingCount(server, "ReviewManagerAgent", rm.agentId);
    if (backlog > now) {
      const t = Date.now();
      const count = backlog - now;
      point.seeded = await seedInboxes({
        coordinator,
        inboxes,
        template: template.deliveryId,
        from: seeded,
        count,
        batch,
      });
      for (let n = seeded; n < seeded + count; n++) sentBefore.push(seededDeliveryId(n));
      seeded += count;
      point.seedS = round((Date.now() - t) / 1000, 1);
    }
    point.backlogAtStart = await pendingCount(server, "ReviewManagerAgent", rm.agentId);
    point.inboxRowsAtStart = Object.fromEntries(
      await Promise.all(inboxes.map(async (i) => [i.type, await inboxPending(i.storage)])),
    );
    await settled(server.pid);
    const before = cpuMs(server.pid);
    const sent = await uniqueDeliveries({ origin: server.origin, connections, amount: deliveries, firstPr });
    const answered = cpuMs(server.pid);
    await settled(server.pid, { maxMs: 30_000 });
    const quiet = cpuMs(server.pid);
    firstPr += sent.sent + 1000;
    // Deliveries cut off by the end of the run may still have been taken: counted when recorded.
    const log = await deliveryLog(server);
    const accepted = sent.tally.accepted ?? 0;
    const taken = accepted + sent.unanswered.filter((id) => log.has(id)).length;
    const check = await checkLog(server, sent.answers, {
      alsoAccepted: [template.deliveryId],
      alsoSent: [...sent.unanswered, ...sentBefore],
      waitMs: 20_000,
    });
    sentBefore.push(...sent.sentIds);
    Object.assign(point, {
      ...sent.run,
      accepted,
      taken,
      acceptedPerSecond: Math.round(accepted / sent.run.seconds),
      tally: sent.tally,
      ingestAnswerCpuMsPerDelivery:
        before !== null && answered !== null ? round((answered - before) / taken, 3) : null,
      cpuMsPerRequest: before !== null && quiet !== null ? round((quiet - before) / taken, 3) : null,
      check: {
        recorded: check.recorded,
        missing: check.missing.length,
        doubled: check.doubled.length,
        unpublished: check.unpublished.length,
        unknown: check.unknown.length,
      },
    });
    point.backlogAfter = await pendingCount(server, "ReviewManagerAgent", rm.agentId);
    out.points.push(point);
    say(
      `ingest at backlog ${point.backlogAtStart}: ${accepted} accepted (${point.acceptedPerSecond}/s) ` +
        `cpu ${point.cpuMsPerRequest} ms/delivery (to the answer ${point.ingestAnswerCpuMsPerDelivery})  ` +
        `p50 ${point.p50} p99 ${point.p99} ms  log ${JSON.stringify(point.check)}`,
    );
  }
  return out;
}
