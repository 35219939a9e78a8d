/**
 * What the web dashboard reads about reviews and digests (viewer): the review queue with SLA state
 * (`GET /api/reviews`), the tenant's linked channels with their digest schedules (`GET /api/digests`)
 * and the digest a channel would get now, as the neutral Reply and as the Slack and Discord payloads
 * Foreman would post (`GET /api/digests/preview`). Nothing is posted and no agent is started (the
 * preview builds the digest as `digest now` does, from the live Review Manager only).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AGENT_STATUSES } from "../../agents/model";
import { reviewManagerAgent } from "../../agents/review-manager";
import { NO_REVIEW_MANAGER } from "../../agents/review-manager/find";
import { renderDiscord } from "../../chat/discord/render";
import type { ChannelRef } from "../../chat/platform";
import { type Reply, reply } from "../../chat/reply";
import { renderSlack } from "../../chat/slack/render";
import { buildChannelDigest } from "../../digest/gather";
import { nextSlot } from "../../domain/digest-schedule";
import { WEEKDAYS } from "../../domain/time";
import type { Env } from "../../env";
import { NotFoundError } from "../../platform/errors";
import type { ChannelLink, DigestSchedule } from "../../settings/model";
import { settings } from "../../settings/stub";
import { roleAtLeast } from "../../tenants/roles";
import { currentTenant, guard } from "../middleware/auth";
import { callMeta, E404, json, READ_ERRORS, security } from "../openapi";
import { currentReviewManager, reviewQueue } from "../review-queue";
import { TenantQuery } from "../schemas";
import type { AppEnv } from "../types";
import { PredictedSchema } from "./predictions";
import { REVIEW_ACTIONS } from "./review-actions";

const SLA_STATES = ["ok", "at_risk", "breached"] as const;
const REVIEWER_STATUSES = [
  "requested",
  "in_progress",
  "reviewed",
  "removed",
  "reassigned",
  "released",
  "closed",
] as const;
const PLATFORMS = ["slack", "discord"] as const;
const Json = z.record(z.string(), z.unknown());

// -------------------------------------------------------------------- schemas

const QueueReviewerSchema = z.object({
  login: z.string(),
  status: z.enum(REVIEWER_STATUSES),
  reason: z.string().nullable(),
  requestedAtMs: z.number(),
  waitingWorkingMs: z.number().openapi({ description: "Working time waited, in the reviewer's hours" }),
  dueAtMs: z.number().nullable().openapi({ description: "SLA breach time; null without an SLA" }),
  tz: z.string().nullable(),
  state: z.enum(SLA_STATES).nullable(),
  paused: z.boolean().openapi({ description: "The clock is paused (the PR is a draft)" }),
});

const QueueItemSchema = z
  .object({
    id: z.number(),
    repo: z.string(),
    number: z.number(),
    title: z.string(),
    url: z.string(),
    author: z.string().nullable(),
    readyAtMs: z.number(),
    waitingWorkingMs: z.number(),
    state: z.enum(SLA_STATES).nullable().openapi({ description: "The worst state among its reviewers" }),
    dueAtMs: z.number().nullable().openapi({ description: "The earliest SLA breach among its reviewers" }),
    reviewers: z.array(QueueReviewerSchema),
    linear: z
      .array(
        z.object({
          key: z.string(),
          relation: z.enum(["closes", "references"]),
          state: z.string().nullable(),
        }),
      )
      .optional(),
    predicted: PredictedSchema.optional().openapi({
      description:
        "What the tenant's forecasts say of it (docs/predictions.md); absent from an older Review Manager",
    }),
    policy: z
      .object({
        policyId: z.string(),
        version: z.number(),
        rule: z.string(),
        arm: z.enum(["control", "variant"]).nullable(),
      })
      .optional()
      .openapi({
        description: "The review policy, version and rule that decided its round (docs/policies.md)",
      }),
  })
  .openapi("ReviewQueueItem");

const ReviewQueueSchema = z
  .object({
    nowMs: z.number(),
    reviewManager: z
      .object({ agentId: z.string(), status: z.enum(AGENT_STATUSES) })
      .nullable()
      .openapi({ description: "The Review Manager asked; null when the tenant has none (items is empty)" }),
    items: z.array(QueueItemSchema),
    total: z.number().openapi({ description: "Items in the whole queue" }),
    counts: z.object({ breached: z.number().int(), atRisk: z.number().int() }).openapi({
      description:
        "Over the whole queue (not just the page), by the SLA clock: items breached, and at risk (past the reminder, not breached)",
    }),
    actions: z.array(z.enum(REVIEW_ACTIONS)).openapi({
      description: "The review actions this key or session may take (operator or admin: all; viewer: none)",
    }),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page" }),
  })
  .openapi("ReviewQueue");

/** A page's position in the queue, opaque to callers (`o<offset>`, base64url). */
const cursorOf = (offset: number) => btoa(`o${offset}`).replace(/=+$/, "");
function offsetOf(cursor: string | undefined): number | null {
  if (cursor === undefined) return 0;
  try {
    const m = /^o(\d{1,9})$/.exec(atob(cursor));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const QueueQuery = z.object({
  tenant: TenantQuery,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ description: "Items per page (1–500, default 100)" }),
  cursor: z
    .string()
    .max(40)
    .optional()
    .refine((c) => offsetOf(c) !== null, "not a cursor this API gave")
    .openapi({ description: "`nextCursor` of the previous page" }),
});

const ScheduleSchema = z.object({
  time: z.string().openapi({ example: "09:30" }),
  tz: z.string().openapi({ example: "Europe/Berlin" }),
  days: z.array(z.enum(WEEKDAYS)),
  setBy: z.string(),
  setAt: z.string(),
});

const DigestChannelSchema = z
  .object({
    platform: z.enum(PLATFORMS),
    workspaceId: z.string(),
    channelId: z.string(),
    links: z.array(
      z.object({
        kind: z.enum(["github", "linear"]),
        target: z.string(),
        linkedBy: z.string(),
        linkedAt: z.string(),
      }),
    ),
    schedule: ScheduleSchema.nullable(),
    nextAtMs: z
      .number()
      .nullable()
      .openapi({ description: "The next scheduled slot; null without a schedule" }),
    lastPostedSlotMs: z.number().nullable(),
  })
  .openapi("DigestChannel");

const ReplySchema = z
  .object({
    ephemeral: z.boolean(),
    text: z.string(),
    title: z.string().optional(),
    sections: z.array(
      z.object({
        title: z.string().optional(),
        text: z.string().optional(),
        lines: z.array(z.string()).optional(),
        fields: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
      }),
    ),
    buttons: z.array(
      z.object({
        action: z.string(),
        label: z.string(),
        style: z.enum(["primary", "danger"]).optional(),
        confirm: z.string().optional(),
      }),
    ),
    footer: z.string().optional(),
    tone: z.enum(["info", "success", "warning", "error"]).optional(),
    replaceOriginal: z.boolean().optional(),
  })
  .openapi("Reply", {
    description:
      "Platform-neutral message (src/chat/reply.ts) in the neutral markup of src/chat/markup.ts: **bold**, `code`; outside text between U+E000 and U+E001 (text only); Foreman's own mentions, channel references and links between U+E002 and U+E003",
  });

const DigestPreviewSchema = z
  .object({
    channel: z.object({ platform: z.enum(PLATFORMS), workspaceId: z.string(), channelId: z.string() }),
    wouldPost: z.boolean().openapi({ description: "False: `reply` says why no digest would be posted" }),
    waiting: z.number().openapi({ description: "Pull requests in the digest" }),
    reply: ReplySchema,
    slack: z
      .object({ text: z.string(), blocks: z.array(Json) })
      .openapi({ description: "chat.postMessage body" }),
    discord: Json.openapi({ description: "Discord message body: content, embeds, components" }),
  })
  .openapi("DigestPreview");

const PreviewQuery = z.object({
  platform: z.enum(PLATFORMS).openapi({ description: "The channel's platform" }),
  channel: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "a channel id (letters, digits, - and _)")
    .openapi({ description: "Channel id (Slack C…, Discord snowflake)", example: "C0REVIEWS" }),
  workspace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "a workspace id")
    .optional()
    .openapi({ description: "Slack team / Discord guild id, when the channel id is linked in several" }),
  tenant: TenantQuery,
});

// --------------------------------------------------------------------- routes

const tags = ["reviews"];

const queue = createRoute({
  method: "get",
  path: "/api/reviews",
  tags,
  summary: "Pull requests waiting for review, oldest first, with SLA state, a page at a time (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: QueueQuery },
  responses: { 200: { description: "The review queue", content: json(ReviewQueueSchema) }, ...READ_ERRORS },
});

const digests = createRoute({
  method: "get",
  path: "/api/digests",
  tags,
  summary: "Linked channels with their digest schedules (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: z.object({ tenant: TenantQuery }) },
  responses: {
    200: { description: "Channels", content: json(z.object({ channels: z.array(DigestChannelSchema) })) },
    ...READ_ERRORS,
  },
});

const preview = createRoute({
  method: "get",
  path: "/api/digests/preview",
  tags,
  summary: "The digest a linked channel would get now, with its Slack and Discord payloads (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: PreviewQuery },
  responses: {
    200: { description: "The digest (or why there would be none)", content: json(DigestPreviewSchema) },
    ...READ_ERRORS,
    ...E404,
  },
});

// ---------------------------------------------------------------------- logic

const channelKey = (c: ChannelRef) => `${c.platform}:${c.workspaceId}:${c.channelId}`;

function nextAt(schedule: DigestSchedule, nowMs: number): number | null {
  try {
    return nextSlot(schedule, nowMs);
  } catch {
    return null;
  }
}

async function digestChannels(env: Env, tenant: string, nowMs: number) {
  const store = settings(env, tenant);
  const [links, slots] = await Promise.all([store.links(), store.digestSlots()]);
  const channels = new Map<string, { channel: ChannelRef; links: ChannelLink[] }>();
  const entry = (channel: ChannelRef) => {
    const key = channelKey(channel);
    const found = channels.get(key) ?? { channel, links: [] };
    channels.set(key, found);
    return found;
  };
  for (const link of links) entry(link.channel).links.push(link);
  for (const slot of slots) entry(slot.schedule.channel);
  return [...channels.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { channel, links: linked }]) => {
      const slot = slots.find((s) => channelKey(s.schedule.channel) === key);
      const schedule = slot?.schedule ?? null;
      return {
        ...channel,
        links: linked.map(({ kind, target, linkedBy, linkedAt }) => ({ kind, target, linkedBy, linkedAt })),
        schedule: schedule
          ? {
              time: schedule.time,
              tz: schedule.tz,
              days: schedule.days,
              setBy: schedule.setBy,
              setAt: schedule.setAt,
            }
          : null,
        nextAtMs: schedule ? nextAt(schedule, nowMs) : null,
        lastPostedSlotMs: slot?.lastPostedSlotMs ?? null,
      };
    });
}

/** The message as postToChannel (src/chat/post.ts) would send it, on both platforms. */
function payloads(reply: Reply) {
  const { text, blocks } = renderSlack({ ...reply, ephemeral: false });
  const { flags: _ephemeral, ...discord } = renderDiscord({ ...reply, ephemeral: false });
  return {
    slack: { text, blocks: blocks.map((b) => ({ ...b })) },
    discord: { ...discord },
  };
}

export function registerReviewRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(queue, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const offset = offsetOf(cursor) ?? 0;
    const page = await reviewQueue(c.env, currentTenant(c), { offset, limit });
    const next = offset + page.items.length;
    const { offset: _offset, ...body } = page;
    const principal = c.get("principal");
    const actions = principal && roleAtLeast(principal.role, "operator") ? [...REVIEW_ACTIONS] : [];
    return c.json({ ...body, actions, nextCursor: next < page.total ? cursorOf(next) : null }, 200);
  });

  app.openapi(digests, async (c) =>
    c.json({ channels: await digestChannels(c.env, currentTenant(c), Date.now()) }, 200),
  );

  app.openapi(preview, async (c) => {
    const { platform, channel: channelId, workspace } = c.req.valid("query");
    const tenant = currentTenant(c);
    const links = await settings(c.env, tenant).links();
    const link = links.find(
      (l) =>
        l.channel.platform === platform &&
        l.channel.channelId === channelId &&
        (workspace === undefined || l.channel.workspaceId === workspace),
    );
    if (!link) throw new NotFoundError(`No ${platform} channel ${channelId} is linked in this tenant`);
    // Without a live Review Manager, say so; with one, the digest builder asks it (it starts nothing).
    const agent = await currentReviewManager(c.env, tenant);
    if (!agent) {
      const text = `${NO_REVIEW_MANAGER} No digest would be posted.`;
      const none = reply(text, { tone: "warning", title: "Digest", sections: [{ text }] });
      return c.json(
        { channel: link.channel, wouldPost: false, waiting: 0, reply: none, ...payloads(none) },
        200,
      );
    }
    const meta = callMeta(c);
    const built = await buildChannelDigest(
      {
        env: c.env,
        tenant,
        channel: link.channel,
        correlationId: meta.correlationId,
        nowMs: Date.now(),
        ...(meta.actor ? { actor: meta.actor } : {}),
      },
      async (env) => reviewManagerAgent(env, agent.agentId),
    );
    const message = built.digest ?? built.answer;
    return c.json(
      {
        channel: link.channel,
        wouldPost: built.digest !== null,
        waiting: built.digest ? built.waiting : 0,
        reply: message,
        ...payloads(message),
      },
      200,
    );
  });
}
