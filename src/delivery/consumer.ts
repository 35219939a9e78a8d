/**
 * Queue consumer for outbound deliveries (`foreman-outbound*`) and their dead-letter queue
 * (`foreman-outbound-dlq*`). Never throws: every message is acked or retried on its own.
 */
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { inBackground, MetricsRecorder } from "../observability/metrics";
import type { DeliveryOutcome } from "../observability/metrics-model";
import { errorText } from "../platform/errors";
import type { ClientDeps, FetchFn, SendResult } from "../platform/http-client";
import { defaultFetch, isRecord, truncate } from "../platform/http-client";
import { type Remote, remote } from "../platform/rpc";
import type { CredentialLookup } from "./credentials";
import { dndHoldOf, holdForDnd } from "./dnd-hold";
import type { Outbox } from "./outbox";
import { backoffSeconds, isDeadLetterQueue, MAX_ATTEMPTS, SEND_CONCURRENCY } from "./policy";
import { DeliveryMessageSchema, toFieldIssues } from "./schema";
import { outbox as outboxOf } from "./stub";
import {
  type DeadLetterInput,
  type DeliveryConfirmer,
  type DeliveryMessage,
  type DeliveryOrigin,
  type DeliveryReport,
  type FinishInput,
  PLATFORMS,
  type Platform,
  type PlatformSenders,
} from "./types";

type OutboxStub = Remote<Outbox>;

export interface ConsumerOptions {
  /** How deliveries reach the platforms (src/integrations/clients.ts `platformSenders`). */
  senders: PlatformSenders;
  fetch?: FetchFn;
  now?: () => number;
  random?: () => number;
}

interface Deps extends ClientDeps {
  senders: PlatformSenders;
  random: () => number;
  /** Delivery outcomes of this batch, sent to the Metrics rollup after it (src/observability). */
  metrics: MetricsRecorder;
  /** Outcomes for the objects that decided the deliveries, sent to each once after the batch. */
  reports: Map<string, { origin: DeliveryOrigin; reports: DeliveryReport[] }>;
}

/** Structured, redacted JSON lines (src/observability/logger.ts); never bodies or credentials. */
const log = logger("delivery.consumer");

const METRIC_OUTCOME: Record<FinishInput["outcome"], DeliveryOutcome> = {
  delivered: "sent",
  retry: "retried",
  permanent: "dead",
  exhausted: "dead",
};

export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx: ExecutionContext,
  options: ConsumerOptions,
): Promise<void> {
  const deps: Deps = {
    senders: options.senders,
    fetch: options.fetch ?? defaultFetch,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    metrics: new MetricsRecorder(env),
    reports: new Map(),
  };
  const handle = isDeadLetterQueue(batch.queue) ? handleDeadLettered : handleOutbound;
  // Messages with one delivery key run in order (the second sees the first one's result);
  // distinct keys run concurrently.
  const groups = new Map<string, Message<unknown>[]>();
  for (const msg of batch.messages) {
    const body = msg.body;
    const id =
      isRecord(body) && typeof body.tenant === "string" && typeof body.key === "string"
        ? `${body.tenant}\u0000${body.key}`
        : `\u0001${msg.id}`;
    groups.set(id, [...(groups.get(id) ?? []), msg]);
  }
  const queue = [...groups.values()];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const msg of group) await guarded(msg, () => handle(msg, env, deps), deps);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, worker));
  await reportToOrigins(env, deps);
  inBackground(ctx, deps.metrics.flush());
}

/** Notes an outcome for the delivery's origin (the Outbox settles its own in claim/finish/recordLocal). */
function report(deps: Deps, d: DeliveryMessage, r: DeliveryReport): void {
  const origin = d.origin;
  if (!origin || origin.binding === "OUTBOX") return;
  const id = `${origin.binding}\u0000${origin.name}`;
  const entry = deps.reports.get(id) ?? { origin, reports: [] };
  entry.reports.push(r);
  deps.reports.set(id, entry);
}

/**
 * Tells each origin how its deliveries ended, one call per origin. A failed report is only logged:
 * the origin hands the delivery over again after its confirm timeout, and the claim answers
 * "delivered" (with where it landed), which is reported then.
 */
async function reportToOrigins(env: Env, deps: Deps): Promise<void> {
  await Promise.all(
    [...deps.reports.values()].map(async ({ origin, reports }) => {
      try {
        const stub = remote<DeliveryConfirmer>(env[origin.binding].getByName(origin.name));
        await stub.confirmDeliveries(reports);
      } catch (err) {
        log.warn("delivery.report_failed", {
          origin: `${origin.binding}/${origin.name}`,
          count: reports.length,
          error: errorText(err),
        });
      }
    }),
  );
}

/** Last line of defence: an unexpected error retries the message with backoff. */
async function guarded(msg: Message<unknown>, fn: () => Promise<void>, deps: Deps): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.error("delivery.consumer_error", {
      messageId: msg.id,
      attempts: msg.attempts,
      error: errorText(err),
    });
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts, deps.random) });
  }
}

async function handleOutbound(msg: Message<unknown>, env: Env, deps: Deps): Promise<void> {
  const parsed = DeliveryMessageSchema.safeParse(msg.body);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error).map((i) => `${i.field}: ${i.message}`);
    await recordMalformed(env, msg, `malformed message: ${issues.join("; ")}`, "consumer", deps);
    msg.ack();
    return;
  }
  const d: DeliveryMessage = parsed.data;
  const fields = {
    deliveryId: d.id,
    correlationId: d.correlationId,
    tenant: d.tenant,
    platform: d.platform,
    action: d.action,
    key: d.key,
  };
  const outbox = outboxOf(env, d.tenant);
  const clientDeps = { fetch: deps.fetch, now: deps.now };
  // Discord sends with the application's one bot token: no tenant credential to look up.
  const credential =
    d.platform === "discord" ? NO_CREDENTIAL : await outbox.credentialFor(d.platform, repoOf(d));
  const sender = await deps.senders.senderFor(env, d, clientDeps, credential);

  if (sender.kind === "local") {
    const { recorded, ref } = await outbox.recordLocal(d, deps.senders.localRefOf(d));
    deps.metrics.delivery(d.tenant, d.platform, recorded ? "local" : "dropped");
    log.info(recorded ? "delivery.local" : "delivery.duplicate", fields);
    report(deps, d, { key: d.key, outcome: "delivered", ...(ref ? { ref } : {}) });
    msg.ack();
    return;
  }

  const claim = await outbox.claim({ key: d.key, deliveryId: d.id, platform: d.platform, action: d.action });
  if (!claim.claimed) {
    log.info(claim.reason === "delivered" ? "delivery.duplicate" : "delivery.in_flight", {
      ...fields,
      holder: claim.holder,
    });
    // Delivered: nothing to do. Leased by another message: it owns the outcome (and is retried by
    // the queue if it dies), so a duplicate on its last attempt can go. Leased under our own id
    // (an earlier run died mid-send): wait for the lease to expire.
    if (claim.reason === "delivered") {
      report(deps, d, { key: d.key, outcome: "delivered", ...(claim.ref ? { ref: claim.ref } : {}) });
    }
    if (claim.reason === "delivered" || (claim.holder !== d.id && msg.attempts >= MAX_ATTEMPTS)) {
      deps.metrics.delivery(d.tenant, d.platform, "dropped");
      msg.ack();
    } else msg.retry({ delaySeconds: claim.retryAfterSeconds });
    return;
  }

  // Refused (a revoked install, a repository no installation covers): nothing is sent, and the
  // delivery ends as a dead letter saying why, like any other permanent failure.
  if (sender.kind === "refused") {
    const refused: SendResult = { kind: "permanent", status: null, error: sender.error };
    await settle(msg, d, claim.leaseToken, refused, outbox, deps);
    log.warn("delivery.refused", { ...fields, error: sender.error });
    return;
  }
  // A DM asked to wait out its recipient's Do Not Disturb goes back on the queue until it ends.
  const hold = await dndHoldOf(d, sender, clientDeps);
  if (hold) {
    const held = { msg, d, leaseToken: claim.leaseToken, hold, outbox, nowMs: deps.now(), fields };
    await holdForDnd(env, held, (r) => report(deps, d, r));
    return;
  }

  let result: SendResult;
  try {
    result = await sender.client.send(d.action, d.body);
  } catch (err) {
    result = { kind: "retry", status: null, error: truncate(`client error: ${errorText(err)}`) };
  }
  await settle(msg, d, claim.leaseToken, result, outbox, deps);
  log.log(result.kind === "delivered" ? "info" : "warn", `delivery.${result.kind}`, {
    ...fields,
    attempts: msg.attempts,
    status: result.status,
    error: result.kind === "delivered" ? undefined : result.error,
  });
}

async function settle(
  msg: Message<unknown>,
  d: DeliveryMessage,
  leaseToken: string,
  result: SendResult,
  outbox: OutboxStub,
  deps: Deps,
): Promise<void> {
  const error = result.kind === "delivered" ? null : result.error;
  const outcome: FinishInput["outcome"] =
    result.kind !== "retry" ? result.kind : msg.attempts >= MAX_ATTEMPTS ? "exhausted" : "retry";
  deps.metrics.delivery(d.tenant, d.platform, METRIC_OUTCOME[outcome]);
  const retryDelay =
    outcome === "retry" && result.kind === "retry"
      ? (result.retryAfterSeconds ?? backoffSeconds(msg.attempts, deps.random))
      : 0;
  const finish: FinishInput = {
    key: d.key,
    deliveryId: d.id,
    leaseToken,
    outcome,
    status: result.status,
    error,
  };
  if (result.kind === "delivered" && result.ref) finish.ref = result.ref;
  if (outcome === "retry") finish.retryAtMs = deps.now() + retryDelay * 1000;
  if (outcome === "permanent" || outcome === "exhausted") {
    finish.deadLetter = deadLetterOf(d, {
      attempts: msg.attempts,
      lastStatus: result.status,
      lastError: error ?? "",
      reason: outcome,
      source: "consumer",
    });
  }
  try {
    await outbox.finish(finish);
  } catch (err) {
    // The post went out: acking is right even if the record failed (retrying would post twice).
    if (result.kind !== "delivered") throw err;
    log.error("delivery.record_failed", {
      deliveryId: d.id,
      correlationId: d.correlationId,
      tenant: d.tenant,
      error: errorText(err),
    });
  }
  if (outcome === "retry") {
    report(deps, d, { key: d.key, outcome: "retrying", retryAtMs: deps.now() + retryDelay * 1000 });
    msg.retry({ delaySeconds: retryDelay });
  } else {
    report(
      deps,
      d,
      outcome === "delivered"
        ? { key: d.key, outcome: "delivered", ...(finish.ref ? { ref: finish.ref } : {}) }
        : { key: d.key, outcome: "dead", error: error ?? outcome },
    );
    msg.ack();
  }
}

/** A message on the dead-letter queue: record it (once per delivery id) unless its key was delivered. */
async function handleDeadLettered(msg: Message<unknown>, env: Env, deps: Deps): Promise<void> {
  const parsed = DeliveryMessageSchema.safeParse(msg.body);
  if (!parsed.success) {
    await recordMalformed(env, msg, "malformed message on the dead-letter queue", "dlq", deps);
    msg.ack();
    return;
  }
  const d = parsed.data;
  const result = await outboxOf(env, d.tenant).recordDeadLetter(
    deadLetterOf(d, {
      attempts: MAX_ATTEMPTS,
      lastStatus: null,
      lastError: "retries exhausted (reached the dead-letter queue)",
      reason: "dlq",
      source: "dlq",
    }),
  );
  deps.metrics.delivery(d.tenant, d.platform, result.recorded ? "dead" : "dropped");
  if (result.recorded) {
    report(deps, d, {
      key: d.key,
      outcome: "dead",
      error: "retries exhausted (reached the dead-letter queue)",
    });
  }
  log.warn("delivery.dead_letter_queue", {
    deliveryId: d.id,
    correlationId: d.correlationId,
    tenant: d.tenant,
    recorded: result.recorded,
    reason: result.recorded ? undefined : result.reason,
  });
  msg.ack();
}

type Failure = Pick<DeadLetterInput, "attempts" | "lastStatus" | "lastError" | "reason" | "source">;

function deadLetterOf(d: DeliveryMessage, failure: Failure): DeadLetterInput {
  return {
    deliveryId: d.id,
    key: d.key,
    tenant: d.tenant,
    platform: d.platform,
    action: d.action,
    body: d.body,
    correlationId: d.correlationId,
    enqueuedAt: d.enqueuedAt,
    ...failure,
  };
}

/** Keeps what can be read of a malformed message as a dead letter (tenant "_unknown" if it has none). */
async function recordMalformed(
  env: Env,
  msg: Message<unknown>,
  error: string,
  source: "consumer" | "dlq",
  deps: Deps,
) {
  const raw = isRecord(msg.body) ? msg.body : {};
  const text = (v: unknown, max: number) => (typeof v === "string" && v !== "" && v.length <= max ? v : null);
  const deliveryId = text(raw.id, 64) ?? `msg:${msg.id}`;
  const tenant = text(raw.tenant, 128) ?? "_unknown";
  const platform = PLATFORMS.find((p: Platform) => p === raw.platform) ?? "unknown";
  const body = isRecord(raw.body) ? plain(raw.body) : { message: plain(msg.body) };
  await outboxOf(env, tenant).recordDeadLetter({
    deliveryId,
    key: text(raw.key, 256) ?? deliveryId,
    tenant,
    platform,
    action: text(raw.action, 100) ?? "unknown",
    body,
    correlationId: text(raw.correlationId, 128) ?? "",
    enqueuedAt: text(raw.enqueuedAt, 64),
    attempts: msg.attempts,
    lastStatus: null,
    lastError: truncate(error),
    reason: "malformed",
    source,
  });
  deps.metrics.delivery(tenant, platform, "dead");
  log.warn("delivery.malformed", { messageId: msg.id, tenant, deliveryId, error: truncate(error) });
}

/** JSON-safe copy (queue bodies may be any structured-clone value). */
function plain(value: unknown): Record<string, unknown> {
  try {
    const copy: unknown = JSON.parse(JSON.stringify(value) ?? "null");
    return isRecord(copy) ? copy : { value: copy };
  } catch {
    return { value: String(value) };
  }
}

const NO_CREDENTIAL: CredentialLookup = { state: "none" };

/** The repository a GitHub delivery acts on (`owner/repo`), which says which installation sends it. */
function repoOf(d: DeliveryMessage): string | null {
  const { owner, repo } = d.body;
  return d.platform === "github" && typeof owner === "string" && typeof repo === "string"
    ? `${owner}/${repo}`
    : null;
}
