/**
 * Fault injection against the fake platform APIs (a real local HTTP server): for a few rounds
 * Slack, Discord, GitHub and Linear answer 429 with Retry-After, 5xx, hang past the client's
 * timeout or drop the connection, while the queue also hands out duplicates of some messages. The
 * real consumer runs over the simulated queue until it is empty. Afterwards every message has been
 * delivered exactly once, counted at the fake: none lost, none doubled, no dead letters.
 *
 * A "timeout" here is a platform that never answers (the connection is dropped after the client
 * gave up). One that did the work but answered too late cannot be told apart by any client and is
 * posted again on the retry: these platform calls take no idempotency key, so exactly-once holds
 * per acknowledged post, not across a lost acknowledgement.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDelivery, listDeadLetters } from "../../src/delivery/api";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { FetchFn } from "../../src/platform/http-client";
import { delivery } from "../delivery/support";
import { fakeApi, type ScriptedResponse } from "../helpers/fake-api";
import { drain, type Queued } from "./queue-sim";

const TENANT = "flt-faults";
/**
 * The client's timeout in this test (the production one is 20 s). A healthy answer must always come
 * well within it, even on a loaded machine: one that came later would be posted again on the retry.
 */
const TIMEOUT_MS = 5_000;
/** Answers (or drops the connection) only after the client gave up. */
const HANG: ScriptedResponse = { delayMs: TIMEOUT_MS + 3_000, destroy: true };
const SLOW_504: ScriptedResponse = { delayMs: TIMEOUT_MS + 3_000, status: 504 };

const shortTimeout: FetchFn = (input, init) =>
  fetch(input, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });

const marker = (i: number) => `fault-${String(i).padStart(2, "0")}`;

function message(i: number): DeliveryMessage {
  const text = marker(i);
  switch (i % 4) {
    case 0:
      return delivery({
        tenant: TENANT,
        platform: "slack",
        action: "chat.postMessage",
        body: { channel: "C1", text },
      });
    case 1:
      return delivery({
        tenant: TENANT,
        platform: "discord",
        action: "channels.messages.create",
        body: { channel_id: "900", content: text },
      });
    case 2:
      return delivery({
        tenant: TENANT,
        platform: "github",
        action: "issues.createComment",
        body: { owner: "acme", repo: "faults", issue_number: 1, body: text },
      });
    default:
      return delivery({
        tenant: TENANT,
        platform: "linear",
        action: "commentCreate",
        body: { input: { issueId: "ENG-1", body: text } },
      });
  }
}

const SLACK = "/slack/api/chat.postMessage";
const DISCORD = "/discord/api/v10/channels/";
const GITHUB = "/github/";
const LINEAR = "/linear/graphql";

/** What goes wrong in each round; from round 4 on, every platform is healthy. */
const FAULTS: Record<number, Array<[string, ScriptedResponse[]]>> = {
  1: [
    [
      SLACK,
      [
        { status: 429, headers: { "retry-after": "7" } },
        { status: 429, headers: { "retry-after": "7" } },
        { status: 500 },
        { destroy: true },
        HANG,
      ],
    ],
    [
      DISCORD,
      [
        {
          status: 429,
          headers: { "retry-after": "3" },
          body: { message: "slow down", retry_after: 2.5, global: false },
        },
        { status: 500 },
        { status: 502 },
        { destroy: true },
      ],
    ],
    [GITHUB, [{ status: 503 }, { destroy: true }, HANG, { status: 500 }]],
    [
      LINEAR,
      [
        {
          status: 400,
          body: { errors: [{ message: "Rate limit exceeded", extensions: { code: "RATELIMITED" } }] },
        },
        { status: 500 },
        { destroy: true },
        HANG,
      ],
    ],
  ],
  2: [
    [SLACK, [{ status: 503 }, SLOW_504]],
    [DISCORD, [{ destroy: true }, HANG]],
    [GITHUB, [{ status: 429, headers: { "retry-after": "2" } }]],
    [LINEAR, [{ status: 500 }]],
  ],
  3: [[SLACK, [{ destroy: true }]]],
};

describe("fault injection", () => {
  // Two rounds wait for the client timeout.
  it("429s, 5xx, timeouts and dropped connections for a while: each message delivered exactly once", {
    timeout: 60_000,
  }, async () => {
    const api = fakeApi("reliability-faults");
    const testEnv = api.env(env, { extra: { LOG_LEVEL: "error" } });
    const messages = Array.from({ length: 40 }, (_, i) => message(i));
    // At-least-once queue: six messages are handed out twice, in different batches.
    const queued: Queued[] = messages.map((body, i) => ({ id: `q${i}`, body, attempts: 1 }));
    for (const i of [0, 5, 10, 15, 22, 39]) queued.push({ id: `dup${i}`, body: messages[i], attempts: 1 });

    const rounds = await drain(testEnv, queued, {
      fetch: shortTimeout,
      before: async (round) => {
        for (const [path, responses] of FAULTS[round] ?? []) await api.script(path, responses);
      },
    });

    // Faults were met and retried (with the platforms' Retry-After where they gave one).
    const first = rounds[0];
    expect(first?.retried.length).toBeGreaterThanOrEqual(15);
    const delays = first?.retried.map((r) => r.delaySeconds) ?? [];
    expect(delays.filter((d) => d === 7)).toHaveLength(2);
    expect(delays).toContain(3);
    expect(rounds[1]?.retried.map((r) => r.delaySeconds)).toContain(2);
    expect(rounds.length).toBeLessThanOrEqual(6);

    // Exactly once at the fake: one successful request per message, and nothing else succeeded.
    const requests = await api.requests();
    const succeeded = requests.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300);
    expect(succeeded).toHaveLength(messages.length);
    for (const [i] of messages.entries()) {
      const mine = succeeded.filter((r) => r.body.includes(`"${marker(i)}"`));
      expect(mine, `deliveries of ${marker(i)}`).toHaveLength(1);
    }
    // Failed attempts really happened (and were not counted as deliveries).
    expect(requests.length - succeeded.length).toBeGreaterThanOrEqual(20);

    expect(await listDeadLetters(testEnv, TENANT, { limit: 100 })).toEqual([]);
    for (const m of messages) expect((await getDelivery(testEnv, TENANT, m.key))?.state).toBe("delivered");
  });
});
