/**
 * `npm run test:load`: correctness under load, against `npm start`'s code path (the deploy bundle on
 * workerd via scripts/start-server.mjs, fresh state). No timing thresholds: it asserts that every
 * request is answered, nothing is a 5xx, and no event is lost or doubled.
 *
 * - 200 signed slash commands over 32 connections: all 200 answered with the command's reply.
 * - 500 unique GitHub deliveries, each sent twice at the same moment (two connections), plus 200
 *   replays of one delivery: exactly one "accepted" per delivery, every other answer "duplicate";
 *   the Coordinator's delivery log holds each delivery once, published; each agent's inbox holds
 *   each event once. Agents are paused while the deliveries arrive (they still take every event into
 *   their inboxes), so the inboxes can be read whole afterwards.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { checkLog, INBOX_CLASSES, inboxCounts, tally } from "../../bench/lib/ingest.mjs";
import { drive } from "../../bench/lib/load.mjs";
import { benchVars, send, setAgents, setUpTenant } from "../../bench/lib/setup.mjs";
import { discordKeyPair, githubDelivery, signedSlashCommands } from "../../bench/lib/signing.mjs";
import { startForemanTarget } from "../../bench/lib/targets.mjs";

const CONNECTIONS = 32;
const UNIQUE = 500;
const REPLAYS = 200;
const COMMANDS = 200;

let foreman;

before(async () => {
  foreman = await startForemanTarget({ vars: benchVars(discordKeyPair().publicKeyHex) });
  await setUpTenant(foreman.origin);
});

after(async () => {
  await foreman?.close();
});

const failures = (run) => ({
  errors: run.errors,
  timeouts: run.timeouts,
  non2xx: run.non2xx,
  codes: run.statusCodes,
});

test("every signed slash command under load is answered with its reply", { timeout: 120_000 }, async () => {
  const bodies = [];
  const requests = signedSlashCommands("review mine", COMMANDS).map((r) => ({
    ...r,
    onResponse: (status, body) => bodies.push({ status, body }),
  }));
  const run = await drive({
    url: foreman.origin,
    connections: CONNECTIONS,
    amount: COMMANDS,
    requests,
    timeout: 30,
  });
  assert.deepEqual(failures(run), { errors: 0, timeouts: 0, non2xx: 0, codes: { 200: COMMANDS } });
  assert.equal(bodies.length, COMMANDS);
  const wrong = bodies.filter((b) => b.status !== 200 || !b.body.includes("Your reviews"));
  assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} answers were not the review list`);
});

test("concurrent GitHub deliveries and replays: none lost, none doubled", { timeout: 240_000 }, async () => {
  const agents = await setAgents(foreman.origin, "pause");
  const subscribers = agents.filter((a) => a.type in INBOX_CLASSES);
  assert.equal(subscribers.length, 3, `standing agents: ${agents.map((a) => a.type).join(", ")}`);

  const replayed = githubDelivery(1);
  const firstAnswer = await send(foreman.origin, replayed.request);
  assert.equal(firstAnswer.status, 200, firstAnswer.text);
  assert.match(firstAnswer.text, /"accepted"/);

  // Each delivery twice in a row: two connections send the same id at the same moment.
  const deliveries = Array.from({ length: UNIQUE }, (_, i) => githubDelivery(10_000 + i));
  const answers = new Map(deliveries.map((d) => [d.deliveryId, []]));
  let next = 0;
  const requests = [
    {
      setupRequest: (req, context) => {
        const d = deliveries[Math.floor(next++ / 2)];
        context.id = d.deliveryId;
        return { ...req, ...d.request };
      },
      onResponse: (status, body, context) => {
        answers.get(context.id).push(status === 200 ? JSON.parse(body).status : `http ${status}`);
      },
    },
  ];
  const run = await drive({
    url: foreman.origin,
    connections: CONNECTIONS,
    amount: UNIQUE * 2,
    requests,
    timeout: 30,
  });
  assert.deepEqual(failures(run), { errors: 0, timeouts: 0, non2xx: 0, codes: { 200: UNIQUE * 2 } });
  const perDelivery = tally([...answers.values()].map((a) => a.slice().sort().join("+")));
  assert.deepEqual(perDelivery, { "accepted+duplicate": UNIQUE });

  const replayOutcomes = [];
  const replayRun = await drive({
    url: foreman.origin,
    connections: CONNECTIONS,
    amount: REPLAYS,
    timeout: 30,
    requests: [
      { ...replayed.request, onResponse: (_s, body) => replayOutcomes.push(JSON.parse(body).status) },
    ],
  });
  assert.deepEqual(failures(replayRun), { errors: 0, timeouts: 0, non2xx: 0, codes: { 200: REPLAYS } });
  assert.deepEqual(tally(replayOutcomes), { duplicate: REPLAYS });

  // The delivery log: each delivery recorded once and published into the inboxes; nothing else.
  const accepted = new Map([...answers].map(([id, a]) => [id, a.includes("accepted") ? "accepted" : "?"]));
  const log = await checkLog(foreman, accepted, { alsoAccepted: [replayed.deliveryId] });
  assert.deepEqual(
    { ...log, accepted: log.accepted },
    { accepted: UNIQUE + 1, recorded: UNIQUE + 1, missing: [], doubled: [], unpublished: [], unknown: [] },
  );

  // Each subscribing agent's inbox: every event exactly once.
  const ids = [replayed.deliveryId, ...deliveries.map((d) => d.deliveryId)];
  for (const agent of subscribers) {
    const inbox = await inboxCounts(foreman, INBOX_CLASSES[agent.type], agent.agentId);
    const counts = tally(ids.map((id) => inbox.get(`${id}:0:${agent.agentId}`) ?? 0));
    assert.deepEqual(
      counts,
      { 1: ids.length },
      `${agent.type} inbox: ${JSON.stringify(counts)} (id -> times)`,
    );
  }
  await setAgents(foreman.origin, "resume");
});
