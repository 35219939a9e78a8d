/**
 * Review policies and experiments over the API (docs/policies.md): `GET/POST /api/policies`,
 * `GET/PUT /api/policies/{id}` (every change a new immutable version), `POST /api/policies/{id}/activate`,
 * `POST /api/policies/dry-run`, `GET /api/policies/{id}/effectiveness`, `POST /api/policies/simulate`,
 * `GET /api/patterns`, `POST /api/policies/{id}/patterns` (experiments: ./experiments.ts). Policies are stored in
 * TenantSettings; decisions, outcomes and experiment figures come from the live Review Manager.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { reviewManagerAgent } from "../../agents/review-manager";
import type { DryRunInput } from "../../agents/review-manager/policy-rpc";
import { applyPattern, PATTERNS, PatternParamsSchema } from "../../domain/patterns";
import { type PolicyPr, PolicyRuleSchema } from "../../domain/policy";
import { parsePolicyFile } from "../../domain/policy-file";
import { parsePrRef } from "../../domain/pr-refs";
import { repoSchema } from "../../domain/values";
import type { Env } from "../../env";
import { ConflictError, errorMessage, unwrap, ValidationError } from "../../platform/errors";
import { checkPolicy, POLICY_ID } from "../../settings/policies";
import { settings } from "../../settings/stub";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, E409, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { currentReviewManager } from "../review-queue";
import type { AppEnv } from "../types";

export const Loose = z.record(z.string(), z.unknown());
const IdParam = z.object({
  id: z.string().regex(POLICY_ID, "a policy id: lower-case letters, digits, hyphens"),
});

/** A policy in the body: its rules, or the text of a `.foreman.yml` (`file`). */
const PolicyBody = {
  rules: z
    .array(PolicyRuleSchema)
    .optional()
    .openapi({ description: "The ordered rules (first match decides)" }),
  file: z.string().max(65_536).optional().openapi({ description: "Or: the text of a .foreman.yml" }),
  activate: z.boolean().optional(),
};

/** The policy of a body: parsed rules, or the file with line numbers in its problems. */
function policyOf(body: { rules?: unknown; file?: string | undefined }): unknown {
  if (body.file !== undefined) {
    if (body.rules !== undefined)
      throw new ValidationError([{ field: "file", message: "give rules or file, not both" }]);
    const parsed = parsePolicyFile(body.file);
    if (!parsed.ok) {
      throw new ValidationError(
        parsed.issues.map((i) => ({
          field: `file${i.line ? ` line ${i.line}` : ""}: ${i.field}`,
          message: i.message,
        })),
        "Invalid .foreman.yml",
      );
    }
    return parsed.policy;
  }
  if (body.rules === undefined)
    throw new ValidationError([{ field: "rules", message: "required (or file)" }]);
  return { rules: body.rules };
}

async function reviewManager(env: Env, tenant: string) {
  const agent = await currentReviewManager(env, tenant);
  if (!agent)
    throw new ConflictError("No Review Manager is running for this tenant (link a repository first)");
  return reviewManagerAgent(env, agent.agentId);
}

export const r = <T extends Parameters<typeof createRoute>[0]>(spec: T) =>
  createRoute({ security, tags: ["policies"], ...spec });

const list = r({
  method: "get",
  path: "/api/policies",
  summary: "The review policies, which version is active, and a running experiment (viewer)",
  middleware: [guard("viewer")],
  responses: { 200: { description: "Policies", content: json(Loose) }, ...READ_ERRORS },
});
const create = r({
  method: "post",
  path: "/api/policies",
  summary: "Create a policy at version 1 (operator)",
  middleware: [guard("operator"), jsonBody()],
  request: {
    body: jsonBodyOf(
      z.strictObject({
        id: z.string().regex(POLICY_ID),
        description: z.string().max(200).optional(),
        ...PolicyBody,
      }),
    ),
  },
  responses: { 201: { description: "Created", content: json(Loose) }, ...WRITE_ERRORS, ...E409 },
});
const show = r({
  method: "get",
  path: "/api/policies/{id}",
  summary: "A policy and its versions, newest first (viewer)",
  middleware: [guard("viewer")],
  request: { params: IdParam },
  responses: { 200: { description: "The policy", content: json(Loose) }, ...READ_ERRORS, ...E404 },
});
const update = r({
  method: "put",
  path: "/api/policies/{id}",
  summary: "A new version of a policy (active at once if the policy is active, or with activate) (operator)",
  middleware: [guard("operator"), jsonBody()],
  request: { params: IdParam, body: jsonBodyOf(z.strictObject(PolicyBody)) },
  responses: { 200: { description: "The new version", content: json(Loose) }, ...WRITE_ERRORS, ...E404 },
});
const activate = r({
  method: "post",
  path: "/api/policies/{id}/activate",
  summary: "Make a version (default: the latest) the active policy (operator)",
  middleware: [guard("operator"), jsonBody()],
  request: {
    params: IdParam,
    body: {
      required: false,
      content: json(z.strictObject({ version: z.number().int().positive().optional() })),
    },
  },
  responses: { 200: { description: "Active", content: json(Loose) }, ...WRITE_ERRORS, ...E404 },
});
const DryRunPr = z.strictObject({
  repo: z.string().pipe(repoSchema),
  title: z.string().max(300).optional(),
  labels: z.array(z.string().max(100)).max(100).default([]),
  files: z.array(z.string().max(1000)).max(3000).optional(),
  additions: z.number().int().min(0).default(0),
  deletions: z.number().int().min(0).default(0),
  author: z.string().max(100).default(""),
  draft: z.boolean().default(false),
  base: z.string().max(255).default("main"),
});
const dryRun = r({
  method: "post",
  path: "/api/policies/dry-run",
  summary: "Which rule decides a PR (given, or `owner/repo#n` Foreman tracks), the decision and why (viewer)",
  middleware: [guard("viewer"), jsonBody()],
  request: {
    body: jsonBodyOf(
      z
        .strictObject({
          pr: z
            .union([DryRunPr, z.string().max(200)])
            .openapi({ description: "The PR's facts, or owner/repo#n" }),
          policyId: z.string().regex(POLICY_ID).optional(),
          version: z.number().int().positive().optional(),
        })
        .openapi("DryRun"),
    ),
  },
  responses: {
    200: { description: "The decision", content: json(Loose) },
    ...WRITE_ERRORS,
    ...E404,
    ...E409,
  },
});
const effectiveness = r({
  method: "get",
  path: "/api/policies/{id}/effectiveness",
  summary:
    "Per version and rule: PRs, time to first review and merge (median, P75), breaches, guardrails (viewer)",
  middleware: [guard("viewer")],
  request: { params: IdParam },
  responses: { 200: { description: "Figures", content: json(Loose) }, ...READ_ERRORS, ...E409 },
});
const PolicyRef = z.union([
  z.strictObject({ policyId: z.string().regex(POLICY_ID), version: z.number().int().positive().optional() }),
  z.strictObject({ rules: z.array(PolicyRuleSchema) }),
]);
const simulate = r({
  method: "post",
  path: "/api/policies/simulate",
  summary:
    "Replay the tenant's recorded PRs through two or more policies: rules taken, reviewers, SLAs, outcomes (viewer)",
  middleware: [guard("viewer"), jsonBody()],
  request: {
    body: jsonBodyOf(
      z.strictObject({
        policies: z
          .array(PolicyRef)
          .min(2)
          .max(4)
          .openapi({ description: "Stored ({policyId, version?}) or given ({rules})" }),
        days: z.number().int().min(1).max(180).default(56),
      }),
    ),
  },
  responses: { 200: { description: "The replay", content: json(Loose) }, ...WRITE_ERRORS, ...E404, ...E409 },
});
const patterns = r({
  method: "get",
  path: "/api/patterns",
  summary: "The built-in review patterns (viewer)",
  middleware: [guard("viewer")],
  responses: { 200: { description: "Patterns", content: json(Loose) }, ...READ_ERRORS },
});
const applyPatternRoute = r({
  method: "post",
  path: "/api/policies/{id}/patterns",
  summary: "Add a built-in pattern's rule before the policy's default, as a new version (operator)",
  middleware: [guard("operator"), jsonBody()],
  request: {
    params: IdParam,
    body: jsonBodyOf(
      z.strictObject({
        pattern: z.string().max(100),
        params: PatternParamsSchema.default({}),
        activate: z.boolean().optional(),
      }),
    ),
  },
  responses: { 200: { description: "The new version", content: json(Loose) }, ...WRITE_ERRORS, ...E404 },
});
/** Who made a change through the API: `api:<key id>`. */
export const by = (c: Context<AppEnv>) => `api:${c.get("principal")?.keyId ?? "key"}`;

export function registerPolicyRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(simulate, async (c) => {
    const body = c.req.valid("json");
    const tenant = currentTenant(c);
    const store = settings(c.env, tenant);
    const policies = await Promise.all(
      body.policies.map(async (ref, i) => {
        if ("rules" in ref) return { label: `given-${i + 1}`, policy: checkPolicy({ rules: ref.rules }) };
        const v = unwrap(await store.policyVersion(ref.policyId, ref.version));
        return { label: `${v.policyId} v${v.version}`, policy: v.policy };
      }),
    );
    const rm = await reviewManager(c.env, tenant);
    const sinceMs = Date.now() - body.days * 86_400_000;
    return c.json(unwrap(await rm.replayPolicies({ policies, sinceMs })), 200);
  });
  app.openapi(patterns, (c) =>
    c.json({ patterns: PATTERNS.map(({ id, title, description }) => ({ id, title, description })) }, 200),
  );
  app.openapi(applyPatternRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const store = settings(c.env, currentTenant(c));
    const current = unwrap(await store.policyVersion(id));
    let policy: unknown;
    try {
      policy = applyPattern(current.policy, body.pattern, body.params);
    } catch (err) {
      throw new ValidationError([{ field: "pattern", message: errorMessage(err) }]);
    }
    const { version } = unwrap(
      await store.addPolicyVersion({
        id,
        policy,
        by: by(c),
        source: "api",
        ...(body.activate !== undefined ? { activate: body.activate } : {}),
      }),
    );
    return c.json({ policy: version }, 200);
  });
  app.openapi(list, async (c) => {
    const store = settings(c.env, currentTenant(c));
    const [policies, active, experiment] = await Promise.all([
      store.listPolicies(),
      store.activePolicy(),
      store.runningExperiment(),
    ]);
    return c.json(
      { active: { policyId: active.policyId, version: active.version }, policies, experiment },
      200,
    );
  });
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const version = unwrap(
      await settings(c.env, currentTenant(c)).createPolicy({
        id: body.id,
        description: body.description ?? null,
        policy: policyOf(body),
        by: by(c),
        source: body.file !== undefined ? "file" : "api",
        activate: body.activate ?? false,
      }),
    );
    return c.json({ policy: version }, 201);
  });
  app.openapi(show, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(unwrap(await settings(c.env, currentTenant(c)).policy(id)), 200);
  });
  app.openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { version } = unwrap(
      await settings(c.env, currentTenant(c)).addPolicyVersion({
        id,
        policy: policyOf(body),
        by: by(c),
        source: body.file !== undefined ? "file" : "api",
        ...(body.activate !== undefined ? { activate: body.activate } : {}),
      }),
    );
    return c.json({ policy: version }, 200);
  });
  app.openapi(activate, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const v = unwrap(await settings(c.env, currentTenant(c)).activatePolicy(id, body.version, by(c)));
    return c.json({ active: { policyId: v.policyId, version: v.version } }, 200);
  });
  app.openapi(dryRun, async (c) => {
    const body = c.req.valid("json");
    const tenant = currentTenant(c);
    let input: DryRunInput;
    if (typeof body.pr === "string") {
      const ref = parsePrRef(body.pr);
      if (!ref) throw new ValidationError([{ field: "pr", message: "owner/repo#number, or the PR's facts" }]);
      input = { ref };
    } else {
      const { title: _title, ...facts } = body.pr;
      input = { pr: { ...facts, repo: facts.repo.toLowerCase() } satisfies PolicyPr };
    }
    const rm = await reviewManager(c.env, tenant);
    const extra = {
      ...(body.policyId ? { policyId: body.policyId } : {}),
      ...(body.version ? { version: body.version } : {}),
    };
    return c.json(unwrap(await rm.explainPolicy({ ...input, ...extra })), 200);
  });
  app.openapi(effectiveness, async (c) => {
    const { id } = c.req.valid("param");
    const tenant = currentTenant(c);
    unwrap(await settings(c.env, tenant).policy(id));
    const rm = await reviewManager(c.env, tenant);
    return c.json(unwrap(await rm.policyEffectiveness(id)), 200);
  });
}
