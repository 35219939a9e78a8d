/**
 * Policy experiments over the API (docs/policies.md, "Experiments"): `POST/GET /api/experiments`,
 * `GET /api/experiments/{id}` (the figures and decision, from the Pattern Bridge), and
 * `POST /api/experiments/{id}/promote|stop`. Stored in TenantSettings.
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { findPatternBridge } from "../../agents/pattern-bridge";
import { ExperimentStartSchema } from "../../domain/experiment";
import { experimentIdSchema } from "../../domain/values";
import { unwrap } from "../../platform/errors";
import { settings } from "../../settings/stub";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, E409, json, jsonBodyOf, READ_ERRORS, WRITE_ERRORS } from "../openapi";
import type { AppEnv } from "../types";
import { by, Loose, r } from "./policies";

const ExperimentParam = z.object({ id: experimentIdSchema });

const startExperiment = r({
  method: "post",
  path: "/api/experiments",
  tags: ["policies"],
  summary: "Start an experiment: control against variant policy, PRs split by a stable hash (operator)",
  middleware: [guard("operator"), jsonBody()],
  request: { body: jsonBodyOf(ExperimentStartSchema) },
  responses: { 201: { description: "Started", content: json(Loose) }, ...WRITE_ERRORS, ...E404, ...E409 },
});
const listExperiments = r({
  method: "get",
  path: "/api/experiments",
  summary: "Experiments, newest first (viewer)",
  middleware: [guard("viewer")],
  responses: { 200: { description: "Experiments", content: json(Loose) }, ...READ_ERRORS },
});
const showExperiment = r({
  method: "get",
  path: "/api/experiments/{id}",
  summary:
    "An experiment's arms (n, median, P75), effect with a 95% CI, p-value, guardrails, decision (viewer)",
  middleware: [guard("viewer")],
  request: { params: ExperimentParam },
  responses: { 200: { description: "Figures", content: json(Loose) }, ...READ_ERRORS, ...E404, ...E409 },
});
const promote = r({
  method: "post",
  path: "/api/experiments/{id}/promote",
  summary: "The variant becomes the new version of the control policy, active (admin)",
  middleware: [guard("admin"), jsonBody()],
  request: { params: ExperimentParam },
  responses: { 200: { description: "Promoted", content: json(Loose) }, ...WRITE_ERRORS, ...E404, ...E409 },
});
const stop = r({
  method: "post",
  path: "/api/experiments/{id}/stop",
  summary: "Stop a running experiment: the active policy decides again (operator)",
  middleware: [guard("operator"), jsonBody()],
  request: { params: ExperimentParam },
  responses: { 200: { description: "Stopped", content: json(Loose) }, ...WRITE_ERRORS, ...E404, ...E409 },
});

export function registerExperimentRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(startExperiment, async (c) => {
    const { id, ...spec } = c.req.valid("json");
    const experimentId = id ?? `exp-${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;
    const tenant = currentTenant(c);
    const record = unwrap(
      await settings(c.env, tenant).startExperiment({ id: experimentId, spec, by: by(c) }),
    );
    // The Pattern Bridge looks at it hourly (spawned with the standing agents; make sure it watches).
    const bridge = await findPatternBridge(c.env, tenant);
    if (bridge) unwrap(await bridge.watch());
    return c.json({ experiment: record }, 201);
  });
  app.openapi(listExperiments, async (c) => {
    return c.json({ experiments: await settings(c.env, currentTenant(c)).listExperiments() }, 200);
  });
  app.openapi(showExperiment, async (c) => {
    const { id } = c.req.valid("param");
    const tenant = currentTenant(c);
    const record = unwrap(await settings(c.env, tenant).experiment(id));
    const bridge = await findPatternBridge(c.env, tenant);
    if (!bridge) return c.json({ experiment: record, analysis: record.decision }, 200);
    return c.json(unwrap(await bridge.experimentStatus(id, `experiment:${id}`)), 200);
  });
  app.openapi(promote, async (c) => {
    const { id } = c.req.valid("param");
    const result = unwrap(await settings(c.env, currentTenant(c)).promoteExperiment(id, by(c)));
    return c.json({ experiment: result.record, policy: result.version, early: result.early }, 200);
  });
  app.openapi(stop, async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ experiment: unwrap(await settings(c.env, currentTenant(c)).stopExperiment(id)) }, 200);
  });
}
