/** Workflows: create, status, terminate, list (one tenant's Coordinator). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { forgetStandingAgents } from "../../agents/coordinator/standing-cache";
import { coordinator } from "../../agents/coordinator/stub";
import { unwrap } from "../../platform/errors";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { callMeta, E404, E409, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { CreateWorkflowBody, IdParam, WorkflowListQuery, WorkflowSchema } from "../schemas";
import type { AppEnv } from "../types";

const tags = ["workflows"];

const create = createRoute({
  method: "post",
  path: "/api/workflows/create",
  tags,
  summary: "Create a workflow (operator)",
  security,
  middleware: [guard("operator", { action: "workflows.create" }), jsonBody()],
  request: { body: jsonBodyOf(CreateWorkflowBody) },
  responses: { 201: { description: "The new workflow", content: json(WorkflowSchema) }, ...WRITE_ERRORS },
});

const status = createRoute({
  method: "get",
  path: "/api/workflows/status/{id}",
  tags,
  summary: "A workflow with its agents and history (viewer)",
  security,
  middleware: [guard("viewer", { param: "id" })],
  request: { params: IdParam },
  responses: { 200: { description: "The workflow", content: json(WorkflowSchema) }, ...READ_ERRORS, ...E404 },
});

const terminate = createRoute({
  method: "post",
  path: "/api/workflows/terminate/{id}",
  tags,
  summary: "Terminate a workflow and its agents (operator)",
  security,
  middleware: [guard("operator", { action: "workflows.terminate", param: "id" }), jsonBody()],
  request: { params: IdParam },
  responses: {
    200: { description: "The terminated workflow", content: json(WorkflowSchema) },
    ...WRITE_ERRORS,
    ...E404,
    ...E409,
  },
});

const list = createRoute({
  method: "get",
  path: "/api/workflows",
  tags,
  summary: "The tenant's workflows, optionally by status (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: WorkflowListQuery },
  responses: {
    200: { description: "Workflows", content: json(z.object({ workflows: z.array(WorkflowSchema) })) },
    ...READ_ERRORS,
  },
});

export function registerWorkflowRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(create, async (c) => {
    const tenant = currentTenant(c);
    const workflow = unwrap(
      await coordinator(c.env, tenant).createWorkflow(tenant, c.req.valid("json"), callMeta(c)),
    );
    c.set("target", workflow.workflowId);
    return c.json(workflow, 201);
  });

  app.openapi(status, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(unwrap(await coordinator(c.env, currentTenant(c)).getWorkflow(id)), 200);
  });

  app.openapi(terminate, async (c) => {
    const { id } = c.req.valid("param");
    const ended = unwrap(await coordinator(c.env, currentTenant(c)).terminateWorkflow(id, callMeta(c)));
    forgetStandingAgents(c.env, currentTenant(c));
    return c.json(ended, 200);
  });

  app.openapi(list, async (c) => {
    const { status: wanted } = c.req.valid("query");
    const filter = wanted ? { status: wanted } : {};
    const workflows = unwrap(await coordinator(c.env, currentTenant(c)).listWorkflows(filter));
    return c.json({ workflows }, 200);
  });
}
