/** Zod schemas of the API: request validation and the OpenAPI document come from these. */
import { z } from "@hono/zod-openapi";
import { ITEM_KINDS } from "../agents/context-optimizer/model";
import { AGENT_STATUSES, AGENT_TYPES, PRIORITIES, tenantIdSchema, WORKFLOW_STATUSES } from "../agents/model";
import { type HoldReason, NOTIFY_MODES } from "../domain/notify";
import { WEEKDAYS } from "../domain/time";
import { GITHUB_LOGIN } from "../domain/values";
import { ROLES } from "../tenants/roles";

const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "internal",
  "unavailable",
] as const;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "id", in: "path" }, description: "A workflow, agent, key or dead-letter id" }),
});

export const LimitQuery = z.coerce.number().int().min(1).max(1000).default(100);
export const TenantQuery = tenantIdSchema.optional().openapi({
  description: "Tenant to act on (bootstrap key only; tenant keys always act on their own tenant)",
});

const Timestamp = z.string().openapi({ example: "2026-11-24T10:00:00.000Z" });
const Record_ = z.record(z.string(), z.unknown());

// ------------------------------------------------------------------ workflows

export const CreateWorkflowBody = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: "Release 4.2 reviews" }),
    description: z.string().max(5000).optional(),
    priority: z.enum(PRIORITIES).default("medium"),
    context: z
      .object({
        userId: z.string().min(1).max(200).optional(),
        githubRepoId: z
          .union([z.string().min(1).max(100), z.number().int().nonnegative()])
          .transform(String)
          .optional()
          .openapi({ description: "A string or a number; stored as a string", example: "123456" }),
        tags: z.array(z.string().min(1).max(64)).max(50).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi("CreateWorkflow");

export const WorkflowSchema = z
  .object({
    workflowId: z.string(),
    tenant: z.string(),
    name: z.string(),
    description: z.string(),
    priority: z.enum(PRIORITIES),
    context: z.object({
      userId: z.string().optional(),
      githubRepoId: z.string().optional(),
      tags: z.array(z.string()),
    }),
    status: z.enum(WORKFLOW_STATUSES),
    agents: z.array(z.string()),
    history: z.array(
      z.object({
        at: Timestamp,
        event: z.string(),
        detail: z.string().optional(),
        correlationId: z.string().optional(),
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Workflow");

export const WorkflowListQuery = z.object({
  status: z.enum(WORKFLOW_STATUSES).optional(),
  tenant: TenantQuery,
});

// --------------------------------------------------------------------- agents

export const SpawnAgentBody = z
  .object({
    type: z.enum(AGENT_TYPES),
    workflowId: z.string().min(1).max(128),
    config: Record_.optional().openapi({
      description:
        "maxConcurrentTasks (1-64, default 4), timeoutMs (50-900000, default 30000) and the type's own keys " +
        "(e.g. review-manager: reviewersPerPr, algorithm, capacity, urgentLabels); validated per type",
      example: { maxConcurrentTasks: 4, timeoutMs: 30000 },
    }),
  })
  .strict()
  .openapi("SpawnAgent");

export const AgentSchema = z
  .object({
    agentId: z.string(),
    type: z.enum(AGENT_TYPES),
    tenant: z.string(),
    workflowId: z.string(),
    status: z.enum(AGENT_STATUSES),
    config: Record_,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Agent");

export const AgentHealthSchema = z
  .object({
    agentId: z.string(),
    type: z.enum(AGENT_TYPES),
    status: z.enum(AGENT_STATUSES),
    healthy: z.boolean(),
    lastActivityAt: z.string().nullable(),
    inboxDepth: z.number(),
    runningTasks: z.number(),
    tasksDone: z.number(),
    tasksFailed: z.number(),
    scheduledTasks: z.number(),
    lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
    heldItems: z
      .number()
      .optional()
      .openapi({ description: "Context Optimizer: messages held for people now" }),
    nextReleaseAt: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "Context Optimizer: when the next held messages go out" }),
    recentEvents: z.array(
      z.object({
        seq: z.number(),
        at: z.string(),
        kind: z.string(),
        message: z.string(),
        correlationId: z.string().optional(),
      }),
    ),
  })
  .openapi("AgentHealth");

export const SendMessageBody = z
  .object({
    type: z.string().min(1).max(100).openapi({ example: "ping" }),
    payload: Record_.optional(),
    from: z.string().min(1).max(128).optional(),
  })
  .strict()
  .openapi("SendMessage");

export const ReceiptSchema = z
  .object({
    messageId: z.string(),
    agentId: z.string(),
    status: z.enum(AGENT_STATUSES),
    inboxDepth: z.number(),
  })
  .openapi("MessageReceipt");

export const AgentListQuery = z.object({
  workflowId: z.string().min(1).max(128).optional(),
  type: z.enum(AGENT_TYPES).optional(),
  status: z.enum(AGENT_STATUSES).optional(),
  tenant: TenantQuery,
});

// ----------------------------------------------------------------- keys, audit

export const CreateKeyBody = z
  .object({
    tenant: tenantIdSchema,
    role: z.enum(ROLES),
    name: z.string().max(200).optional(),
  })
  .strict()
  .openapi("CreateKey");

export const KeySchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    role: z.enum(ROLES),
    name: z.string(),
    createdAt: Timestamp,
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const CreatedKeySchema = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: "The plaintext key; shown once, stored only as a SHA-256 hash" }),
    tenant: z.string(),
    role: z.enum(ROLES),
    name: z.string(),
    createdAt: Timestamp,
  })
  .openapi("CreatedApiKey");

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: Timestamp,
    tenant: z.string(),
    keyId: z.string(),
    action: z.string(),
    target: z.string(),
    status: z.number(),
    correlationId: z.string(),
  })
  .openapi("AuditEntry");

export const TenantLimitQuery = z.object({ limit: LimitQuery, tenant: TenantQuery });

// --------------------------------------------------------------------- people

/** Why an item waits (src/domain/notify.ts); a Record so a new reason fails the type check here. */
const HOLD_REASON_TEXT: Record<HoldReason, string> = {
  away: "out of office or a holiday",
  "off-hours": "outside working hours",
  focus: "in a focus block",
  window: "waiting for the next batched window (or the daily digest)",
  cap: "above the daily cap",
  burst: "a second message about one pull request within a minute: merged with what follows",
};
const HOLD_REASONS = Object.keys(HOLD_REASON_TEXT) as [HoldReason, ...HoldReason[]];
const IsoDate = z.string().openapi({ example: "2026-11-24" });
const ClockTime = z.string().openapi({ example: "09:30" });

export const LoginParam = z.object({
  login: z
    .string()
    .regex(GITHUB_LOGIN, "must be a GitHub login (letters, digits, single hyphens, at most 39)")
    .openapi({
      param: { name: "login", in: "path" },
      description: "GitHub login (any case)",
      example: "octocat",
    }),
});

export const PersonCountsSchema = z
  .object({
    sent: z.number().int().openapi({ description: "Messages that reached them (a merged release is one)" }),
    held: z.number().int().openapi({ description: "Items held for later" }),
    merged: z.number().int().openapi({ description: "Items that went out merged into another message" }),
    avoided: z.number().int().openapi({
      description: "Interruptions avoided: items held in focus time, off hours, away or above the cap",
    }),
    focusInterruptions: z
      .number()
      .int()
      .openapi({ description: "Urgent messages that reached them during a focus block" }),
  })
  .openapi("PersonCounts");

export const HeldItemSchema = z
  .object({
    key: z.string().openapi({ description: "Delivery key of the item" }),
    kind: z.enum(ITEM_KINDS),
    urgent: z.boolean(),
    pr: z
      .object({
        repo: z.string(),
        number: z.number().int(),
        title: z.string(),
        url: z.string(),
        lines: z.number().nullable(),
      })
      .nullable(),
    text: z.string().openapi({ description: "The item's text, in Foreman's neutral markup" }),
    heldAt: Timestamp,
    releaseAt: Timestamp.openapi({ description: "When it is due to go out (with the rest held then)" }),
    reason: z.enum(HOLD_REASONS).openapi({
      description: Object.entries(HOLD_REASON_TEXT)
        .map(([reason, text]) => `\`${reason}\`: ${text}`)
        .join("; "),
    }),
  })
  .openapi("HeldItem");

export const PersonSchema = z
  .object({
    login: z.string().openapi({ description: "GitHub login, as the team records it" }),
    user: z.object({ platform: z.enum(["slack", "discord"]), id: z.string(), name: z.string().optional() }),
    lead: z.boolean(),
    tz: z.string().openapi({ example: "Europe/Berlin" }),
    localDate: IsoDate.openapi({ description: "Their date now, in their zone" }),
    workingHours: z.object({ days: z.array(z.enum(WEEKDAYS)), start: ClockTime, end: ClockTime }),
    outOfOffice: z
      .object({
        from: IsoDate.nullable().openapi({ description: "First day out; null: since it was set" }),
        until: IsoDate.nullable().openapi({ description: "Last day out; null: until marked back" }),
        active: z.boolean().openapi({ description: "In force on their local date (false: starts later)" }),
        setBy: z.string(),
        setAt: Timestamp,
      })
      .nullable()
      .openapi({ description: "An absence in force or planned; null: none" }),
    notify: z
      .object({
        mode: z.enum(NOTIFY_MODES),
        windows: z
          .array(ClockTime)
          .openapi({ description: "Batched windows, local times (the first: digest)" }),
        dailyCap: z.number().int(),
        focus: z.array(z.object({ days: z.array(z.enum(WEEKDAYS)), start: ClockTime, end: ClockTime })),
        holidays: z
          .array(z.object({ from: IsoDate, until: IsoDate }))
          .openapi({ description: "The team's holidays, then their own (inclusive ranges)" }),
      })
      .openapi({ description: "What applies to them: their own choices over the team's defaults" }),
    held: z.array(HeldItemSchema).openapi({ description: "Items waiting for them, oldest first" }),
    today: PersonCountsSchema.nullable().openapi({
      description: "Their local day's counts; null when the Context Optimizer did not answer",
    }),
    nextReleaseAt: z.string().nullable().openapi({ description: "When their next held items go out" }),
    now: z
      .object({
        state: z.enum(["working", "focus", "out", "off-hours"]).openapi({
          description:
            "`working`: in working hours and reachable; `focus`: in a focus block; `out`: out of office " +
            "or a holiday today; `off-hours`: outside their working hours",
        }),
        until: Timestamp.nullable().openapi({
          description:
            "When that ends (their next open moment, or the focus block's end); null while working",
        }),
      })
      .nullable()
      .openapi({ description: "Where they stand now; null when their schedule cannot be read" }),
    reviews: z
      .object({
        open: z.number().int().openapi({ description: "Reviews requested of them and not yet done" }),
        capacity: z.number().int().openapi({
          description:
            "The Review Manager's capacity (open reviews before they are skipped; repository overrides aside)",
        }),
      })
      .nullable()
      .openapi({ description: "Their open reviews against capacity; null when no Review Manager answered" }),
  })
  .openapi("Person");

export const OptimizerRefSchema = z
  .object({
    agentId: z.string(),
    status: z.enum(AGENT_STATUSES),
    error: z
      .string()
      .nullable()
      .openapi({ description: "Why it did not answer (then held is empty, today and nextReleaseAt null)" }),
  })
  .nullable()
  .openapi("ContextOptimizerRef", {
    description: "The Context Optimizer asked; null when the tenant has none live (no held items, no counts)",
  });

export const PeopleSchema = z
  .object({ generatedAt: Timestamp, contextOptimizer: OptimizerRefSchema, people: z.array(PersonSchema) })
  .openapi("People");

export const PersonAnswerSchema = z
  .object({ generatedAt: Timestamp, contextOptimizer: OptimizerRefSchema, person: PersonSchema })
  .openapi("PersonAnswer");
