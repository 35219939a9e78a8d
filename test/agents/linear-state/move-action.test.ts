import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listDeadLetters } from "../../../src/delivery/api";
import { delivery, runQueue } from "../../delivery/support";
import { fakeApi, type ScriptedResponse } from "../../helpers/fake-api";
import { gqlOf, lookupAnswer, STATES } from "./support";

/** Sends one issueMoveToStateName delivery against scripted Linear answers. */
async function move(namespace: string, body: Record<string, unknown>, answers: ScriptedResponse[]) {
  const api = fakeApi(namespace);
  const testEnv = api.env(env);
  const tenant = `t-${namespace}`;
  await api.script("/linear/graphql", answers);
  const msg = delivery({ tenant, platform: "linear", action: "issueMoveToStateName", body });
  const run = await runQueue(testEnv, [{ body: msg, id: "m" }]);
  const letters = await listDeadLetters(testEnv, tenant, { limit: 5 });
  return {
    acked: run.acked.includes("m"),
    retried: run.retried.has("m") ? run.retried.get("m") : undefined,
    ops: (await api.requests()).map((r) => gqlOf(r).op),
    requests: await api.requests(),
    error: letters[0]?.lastError,
  };
}

const body = (extra: Record<string, unknown> = {}) => ({
  issueId: "ENG-7",
  stateName: "in review",
  ...extra,
});

describe("Linear issueMoveToStateName", () => {
  it("matches the state name case-insensitively, preferring the exact spelling", async () => {
    const other = { id: "st-other", name: "IN REVIEW", type: "started" };
    const r = await move("move-case", { issueId: "ENG-7", stateName: "In Review" }, [
      lookupAnswer("ENG-7", STATES.progress, [other, STATES.review]),
    ]);
    expect(r.acked).toBe(true);
    expect(gqlOf(r.requests[1]).variables).toEqual({
      id: "uuid-ENG-7",
      input: { stateId: STATES.review.id },
    });
  });

  it("skips the update when the issue is in that state already or in an excluded state type", async () => {
    const same = await move("move-same", body(), [lookupAnswer("ENG-7", STATES.review, [STATES.review])]);
    expect(same).toMatchObject({ acked: true, ops: ["IssueStateLookup"] });
    const done = await move("move-done", body({ unlessStateTypes: ["completed", "canceled"] }), [
      lookupAnswer("ENG-7", STATES.done, [STATES.review]),
    ]);
    expect(done).toMatchObject({ acked: true, ops: ["IssueStateLookup"], error: undefined });
  });

  it("an unknown state name, an unknown issue and a bad body are permanent", async () => {
    const noState = await move("move-nostate", body(), [lookupAnswer("ENG-7", STATES.progress, [])]);
    expect(noState).toMatchObject({ acked: true, ops: ["IssueStateLookup"] });
    expect(noState.error).toBe('linear: team ENG has no workflow state "in review"');

    const notFound = await move("move-notfound", body(), [
      {
        body: {
          data: null,
          errors: [{ message: "Entity not found", extensions: { code: "INVALID_INPUT" } }],
        },
      },
    ]);
    expect(notFound.error).toBe("linear: INVALID_INPUT: Entity not found");

    const bad = await move("move-bad", { issueId: "ENG-7" }, []);
    expect(bad).toMatchObject({ acked: true, ops: [] });
    expect(bad.error).toContain("linear: issueMoveToStateName: stateName");
  });

  it("RATELIMITED on the lookup or the update is retried after the reset", async () => {
    const limited = { body: { errors: [{ message: "Rate limit", extensions: { code: "RATELIMITED" } }] } };
    const first = await move("move-rl-lookup", body(), [limited]);
    expect(first.acked).toBe(false);
    expect(first.retried).toBeGreaterThanOrEqual(1);

    const second = await move("move-rl-update", body(), [
      lookupAnswer("ENG-7", STATES.progress, [STATES.review]),
      limited,
    ]);
    expect(second).toMatchObject({ acked: false, ops: ["IssueStateLookup", "IssueUpdate"] });
    expect(second.retried).toBeGreaterThanOrEqual(1);
  });

  it("an issueUpdate answering success=false is permanent", async () => {
    const r = await move("move-false", body(), [
      lookupAnswer("ENG-7", STATES.progress, [STATES.review]),
      { body: { data: { issueUpdate: { success: false } } } },
    ]);
    expect(r.error).toBe("linear: issueUpdate returned success=false");
  });
});
