/**
 * The Simulate page's API (src/http/routes/simulate.ts, src/simulation): the built-in scenarios with
 * the most weeks a request may run; a run through GitHub's strategy and Foreman's, each in a fresh
 * SimulationRunner whose storage is wiped afterwards; the same seed giving the same figures; the
 * tenant's stored policies run as `foreman[<id>]`; bad input refused by field, unknown policies 404.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_EXPECTED_PRS } from "../../src/simulation/scenarios";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const TENANT = "t-simulate";

interface Charts {
  ttfrByPercentile: { p: number; hours: number | null }[];
  neverReviewed: number;
  requestsByPerson: { login: string; requests: number }[];
  messagesPerDay: { messages: string; days: number }[];
}
interface Result {
  scenario: string;
  seed: number;
  weeks: number;
  people: number;
  prs: number;
  strategies: Record<string, { ttfrMedianH: number | null; slaBreaches: number; requestsPerPr: number }>;
  policies?: Record<string, { policy: string; prsByRule: Record<string, number> }>;
  charts: Record<string, Charts>;
}
interface Scenarios {
  scenarios: { name: string; people: number; weeks: number; maxWeeks: number; prsPerPersonPerWeek: number }[];
  strategies: string[];
}

describe("POST /api/simulate", () => {
  let viewer = "";
  let operator = "";
  beforeAll(async () => {
    viewer = (await newKey(TENANT, "viewer")).key;
    operator = (await newKey(TENANT, "operator")).key;
  });

  it("lists the built-in scenarios with the weeks a request may run", async () => {
    const res = await viaWorker("/api/simulate/scenarios", { key: viewer });
    expect(res.status).toBe(200);
    const { scenarios, strategies } = await jsonOf<Scenarios>(res);
    expect(scenarios.map((s) => s.name)).toEqual([
      "default",
      "follow-the-sun",
      "vacations",
      "startup",
      "big-org",
    ]);
    expect(strategies).toContain("foreman");
    expect(strategies).toContain("github-round-robin");
    for (const s of scenarios) {
      expect(s.maxWeeks).toBeGreaterThanOrEqual(1);
      expect(s.maxWeeks).toBeLessThanOrEqual(s.weeks);
    }
    const big = scenarios.find((s) => s.name === "big-org");
    expect(big?.maxWeeks).toBeLessThan(big?.weeks ?? 0);
    expect((big?.people ?? 0) * (big?.prsPerPersonPerWeek ?? 0) * (big?.maxWeeks ?? 0)).toBeLessThanOrEqual(
      MAX_EXPECTED_PRS,
    );
    expect((await viaWorker("/api/simulate/scenarios", { key: null })).status).toBe(401);
  });

  it("runs a scenario through GitHub's strategy and Foreman's, the same figures for the same seed", async () => {
    const body = { scenario: "startup", weeks: 2, strategies: ["github-round-robin", "foreman"] };
    const res = await viaWorker("/api/simulate", { key: viewer, body });
    expect(res.status).toBe(200);
    const result = await jsonOf<Result>(res);
    expect(result).toMatchObject({ scenario: "startup", weeks: 2, people: 4 });
    expect(result.prs).toBeGreaterThan(0);
    expect(Object.keys(result.strategies).sort()).toEqual(["foreman", "github-round-robin"]);
    for (const name of ["foreman", "github-round-robin"]) {
      const charts = result.charts[name];
      expect(charts?.ttfrByPercentile.map((x) => x.p)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i + 1) * 5),
      );
      const hours = charts?.ttfrByPercentile.flatMap((x) => (x.hours === null ? [] : [x.hours])) ?? [];
      expect(hours).toEqual([...hours].sort((a, b) => a - b));
      // With every PR reviewed, the 50th percentile is the median the figures give.
      if (charts?.neverReviewed === 0) {
        expect(charts.ttfrByPercentile[9]?.hours).toBeCloseTo(result.strategies[name]?.ttfrMedianH ?? -1, 1);
      }
      // Every person-day is in one bucket: each working day (4 people × 10), and any other day with a message.
      const days = charts?.messagesPerDay.reduce((s, b) => s + b.days, 0) ?? 0;
      expect(days).toBeGreaterThanOrEqual(4 * 10);
      expect(days).toBeLessThanOrEqual(4 * 14);
      expect(charts?.requestsByPerson.reduce((s, p) => s + p.requests, 0)).toBeGreaterThan(0);
    }
    // Each run is a fresh object: nothing of the first run reaches the second.
    const again = await jsonOf<Result>(await viaWorker("/api/simulate", { key: viewer, body }));
    expect(again.strategies).toEqual(result.strategies);
    const otherSeed = await jsonOf<Result>(
      await viaWorker("/api/simulate", { key: viewer, body: { ...body, seed: result.seed + 1 } }),
    );
    expect(otherSeed.seed).toBe(result.seed + 1);
  });

  it("runs Foreman once per stored policy", async () => {
    const created = await viaWorker("/api/policies", {
      key: operator,
      body: {
        id: "two-large",
        rules: [
          { name: "large", match: { minLines: 400 }, decide: { reviewers: 2, slaHours: 4 } },
          { name: "default", decide: { reviewers: 1 } },
        ],
      },
    });
    expect(created.status).toBe(201);
    const res = await viaWorker("/api/simulate", {
      key: viewer,
      body: {
        scenario: "startup",
        weeks: 2,
        strategies: ["github-load-balance", "foreman"],
        policies: [{ policyId: "default" }, { policyId: "two-large" }],
      },
    });
    expect(res.status).toBe(200);
    const result = await jsonOf<Result>(res);
    expect(Object.keys(result.strategies).sort()).toEqual([
      "foreman[default-v1]",
      "foreman[two-large-v1]",
      "github-load-balance",
    ]);
    const large = result.policies?.["foreman[two-large-v1]"];
    expect(large?.policy).toBe("two-large-v1");
    expect((large?.prsByRule.large ?? 0) + (large?.prsByRule.default ?? 0)).toBe(result.prs);
    expect(result.strategies["foreman[two-large-v1]"]?.requestsPerPr).toBeGreaterThanOrEqual(
      result.strategies["foreman[default-v1]"]?.requestsPerPr ?? Infinity,
    );
  });

  it("refuses what it cannot run, by field", async () => {
    const unknown = await viaWorker("/api/simulate", { key: viewer, body: { scenario: "nope" } });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toContain("scenario");
    const tooBig = await viaWorker("/api/simulate", {
      key: viewer,
      body: { scenario: "big-org", weeks: 26 },
    });
    expect(tooBig.status).toBe(400);
    const message = (await errorOf(tooBig)).message;
    expect(message).toContain("weeks");
    expect(message).toContain("npm run simulate -- --scenario big-org --weeks 26");
    const strategy = await viaWorker("/api/simulate", {
      key: viewer,
      body: { scenario: "startup", strategies: ["magic"] },
    });
    expect(strategy.status).toBe(400);
    const policy = await viaWorker("/api/simulate", {
      key: viewer,
      body: { scenario: "startup", weeks: 1, policies: [{ policyId: "nope" }] },
    });
    expect(policy.status).toBe(404);
    expect((await viaWorker("/api/simulate", { key: null, body: { scenario: "startup" } })).status).toBe(401);
  });
});

describe("SimulationRunner", () => {
  it("wipes its storage when the run ends, and runs once", async () => {
    const stub = env.SIMULATION_RUNNER.get(env.SIMULATION_RUNNER.newUniqueId());
    const res = await viaWorker("/api/simulate/scenarios", {
      key: (await newKey("t-sim-runner", "viewer")).key,
    });
    const { scenarios } = await jsonOf<Scenarios>(res);
    expect(scenarios.length).toBeGreaterThan(0);
    const tables = await runInDurableObject(stub, async (runner, state) => {
      const { scenarioFor } = await import("../../src/simulation/scenarios");
      const out = await runner.run({ scenario: scenarioFor("startup", { weeks: 1 }), strategy: "foreman" });
      expect(Object.keys(out.report.strategies)).toEqual(["foreman"]);
      await expect(
        runner.run({ scenario: scenarioFor("startup", { weeks: 1 }), strategy: "foreman" }),
      ).rejects.toThrow(/runs once/);
      return state.storage.sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\'",
        )
        .toArray()
        .map((r) => r.name);
    });
    expect(tables).toEqual([]);
  });
});
