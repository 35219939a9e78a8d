/** Agents: spawn, status, health, lifecycle (pause / resume / terminate), messages, list. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { forgetStandingAgents } from "../../agents/coordinator/standing-cache";
import { coordinator } from "../../agents/coordinator/stub";
import { unwrap } from "../../platform/errors";
import { currentTenant, guard, tenantOwning } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { callMeta, E404, E409, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import {
  AgentHealthSchema,
  AgentListQuery,
  AgentSchema,
  IdParam,
  ReceiptSchema,
  SendMessageBody,
  SpawnAgentBody,
} from "../schemas";
import type { AppEnv } from "../types";

const tags = ["agents"];
const LIFECYCLE = ["pause", "resume", "terminate"] as const;

const spawn = createRoute({
  method: "post",
  path: "/api/agents/spawn",
  tags,
  summary: "Spawn an agent into an active workflow (operator)",
  security,
  middleware: [guard("operator", { action: "agents.spawn" }), jsonBody()],
  request: { body: jsonBodyOf(SpawnAgentBody) },
  responses: {
    201: { description: "The running agent", content: json(AgentSchema) },
    ...WRITE_ERRORS,
    ...E404,
    ...E409,
  },
});

const status = createRoute({
  method: "get",
  path: "/api/agents/status/{id}",
  tags,
  summary: "An agent's state (viewer)",
  security,
  middleware: [guard("viewer", { param: "id" })],
  request: { params: IdParam },
  responses: { 200: { description: "The agent", content: json(AgentSchema) }, ...READ_ERRORS, ...E404 },
});

const health = createRoute({
  method: "get",
  path: "/api/agents/health/{id}",
  tags,
  summary: "An agent's health: inbox, tasks, last error, recent events (viewer)",
  security,
  middleware: [guard("viewer", { param: "id" })],
  request: { params: IdParam },
  responses: { 200: { description: "Health", content: json(AgentHealthSchema) }, ...READ_ERRORS, ...E404 },
});

function lifecycleRoute(action: (typeof LIFECYCLE)[number]) {
  return createRoute({
    method: "post",
    path: `/api/agents/${action}/{id}`,
    tags,
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} an agent (operator); 409 names both states`,
    security,
    middleware: [guard("operator", { action: `agents.${action}`, param: "id" }), jsonBody()],
    request: { params: IdParam },
    responses: {
      200: { description: "The agent after the transition", content: json(AgentSchema) },
      ...WRITE_ERRORS,
      ...E404,
      ...E409,
    },
  });
}

const message = createRoute({
  method: "post",
  path: "/api/agents/message/{id}",
  tags,
  summary: "Send a message to an agent's inbox (operator)",
  security,
  middleware: [guard("operator", { action: "agents.message", param: "id" }), jsonBody()],
  request: { params: IdParam, body: jsonBodyOf(SendMessageBody) },
  responses: {
    202: { description: "Accepted into the inbox", content: json(ReceiptSchema) },
    ...WRITE_ERRORS,
    ...E404,
    ...E409,
  },
});

const list = createRoute({
  method: "get",
  path: "/api/agents",
  tags,
  summary: "The tenant's agents, by workflow, type and status (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: AgentListQuery },
  responses: {
    200: { description: "Agents", content: json(z.object({ agents: z.array(AgentSchema) })) },
    ...READ_ERRORS,
  },
});

export function registerAgentRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(spawn, async (c) => {
    const body = c.req.valid("json");
    c.set("target", body.workflowId);
    // The bootstrap key spawns into the tenant that owns the workflow.
    const tenant = await tenantOwning(c, body.workflowId);
    c.set("tenant", tenant);
    const agent = unwrap(await coordinator(c.env, tenant).spawnAgent(tenant, body, callMeta(c)));
    forgetStandingAgents(c.env, tenant);
    c.set("target", agent.agentId);
    return c.json(agent, 201);
  });

  app.openapi(status, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(unwrap(await coordinator(c.env, currentTenant(c)).getAgent(id)), 200);
  });

  app.openapi(health, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(unwrap(await coordinator(c.env, currentTenant(c)).agentHealth(id)), 200);
  });

  for (const action of LIFECYCLE) {
    app.openapi(lifecycleRoute(action), async (c) => {
      const { id } = c.req.valid("param");
      const agent = unwrap(
        await coordinator(c.env, currentTenant(c)).transitionAgent(id, action, callMeta(c)),
      );
      forgetStandingAgents(c.env, currentTenant(c));
      return c.json(agent, 200);
    });
  }

  app.openapi(message, async (c) => {
    const { id } = c.req.valid("param");
    const meta = callMeta(c);
    const input = { ...c.req.valid("json"), correlationId: meta.correlationId };
    return c.json(unwrap(await coordinator(c.env, currentTenant(c)).sendMessage(id, input, meta)), 202);
  });

  app.openapi(list, async (c) => {
    const { workflowId, type, status: wanted } = c.req.valid("query");
    const filter = {
      ...(workflowId ? { workflowId } : {}),
      ...(type ? { type } : {}),
      ...(wanted ? { status: wanted } : {}),
    };
    return c.json({ agents: unwrap(await coordinator(c.env, currentTenant(c)).listAgents(filter)) }, 200);
  });
}
