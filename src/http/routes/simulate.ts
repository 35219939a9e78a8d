/**
 * The Simulate page's API: `GET /api/simulate/scenarios` lists the built-in scenarios, `POST
 * /api/simulate` runs one through the strategies asked for (GitHub's round-robin and load balance,
 * Foreman and its variants), optionally with the tenant's stored review policies — the simulator `npm
 * run simulate` runs, in SimulationRunner objects (src/simulation). Replaying the tenant's own history
 * through policies is `POST /api/policies/simulate`.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { unwrap } from "../../platform/errors";
import { POLICY_ID } from "../../settings/policies";
import { settings } from "../../settings/stub";
import { runSimulation, STRATEGIES } from "../../simulation/run";
import { SCENARIO_NAMES, scenarioSummaries } from "../../simulation/scenarios";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import type { AppEnv } from "../types";
import { Loose } from "./policies";

const tags = ["simulate"];
const POLICY_REF = z.strictObject({
  policyId: z.string().regex(POLICY_ID, "a policy id: lower-case letters, digits, hyphens"),
  version: z.number().int().positive().optional(),
});

const scenarios = createRoute({
  method: "get",
  path: "/api/simulate/scenarios",
  tags,
  summary: "The built-in scenarios a simulation can run, and the strategies (viewer)",
  security,
  middleware: [guard("viewer")],
  responses: { 200: { description: "Scenarios and strategies", content: json(Loose) }, ...READ_ERRORS },
});

const run = createRoute({
  method: "post",
  path: "/api/simulate",
  tags,
  summary:
    "Run a built-in scenario through strategies (and the tenant's stored policies): the figures and charts of `npm run simulate` (viewer)",
  security,
  middleware: [guard("viewer"), jsonBody()],
  request: {
    body: jsonBodyOf(
      z
        .strictObject({
          scenario: z.enum(SCENARIO_NAMES as [string, ...string[]]),
          seed: z
            .number()
            .int()
            .min(0)
            .max(2 ** 31 - 1)
            .optional(),
          weeks: z.number().int().min(1).max(26).optional().openapi({
            description: "Default: the scenario's, or as many as a run from a request may take",
          }),
          strategies: z
            .array(z.enum(STRATEGIES))
            .min(1)
            .max(STRATEGIES.length)
            .default([...STRATEGIES]),
          policies: z.array(POLICY_REF).max(3).default([]).openapi({
            description: "Stored policies; each Foreman strategy runs once per policy (`foreman[<id>]`)",
          }),
        })
        .openapi("SimulationRequest"),
    ),
  },
  responses: {
    200: { description: "The report, with chart series per strategy", content: json(Loose) },
    ...WRITE_ERRORS,
    ...E404,
  },
});

export function registerSimulateRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(scenarios, (c) => c.json({ scenarios: scenarioSummaries(), strategies: [...STRATEGIES] }, 200));
  app.openapi(run, async (c) => {
    const body = c.req.valid("json");
    const store = settings(c.env, currentTenant(c));
    const policies = await Promise.all(
      body.policies.map(async (ref) => {
        const v = unwrap(await store.policyVersion(ref.policyId, ref.version));
        return { id: `${v.policyId}-v${v.version}`, file: `${v.policyId} v${v.version}`, policy: v.policy };
      }),
    );
    const strategies = [...new Set(body.strategies)];
    return c.json(
      await runSimulation(c.env, {
        scenario: body.scenario,
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
        ...(body.weeks !== undefined ? { weeks: body.weeks } : {}),
        strategies,
        policies,
      }),
      200,
    );
  });
}
