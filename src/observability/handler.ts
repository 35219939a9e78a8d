/**
 * Wraps the Worker's handlers (fetch, scheduled, queue) in a log scope each (context.ts): lines of
 * the invocation share its correlation id and go to the isolate's archive buffer when it and its
 * background work are done. Cron runs and queue batches are rare, so they end by flushing every
 * buffer of the isolate (log lines and metric events, flush.ts); requests write only when they make
 * a buffer due. A cron run's correlation id is `cron:<scheduled time>`, a queue batch's a fresh UUID
 * (each delivery's own correlation id is on its lines); an HTTP request's is bound by the
 * request-log middleware.
 */
import type { Env } from "../env";
import { withLogScope } from "./context";
import { flushObservability } from "./flush";

export function withLogging<H extends ExportedHandler<Env>>(handler: H): H {
  const out: ExportedHandler<Env> = { ...handler };
  const { fetch, scheduled, queue } = handler;
  if (fetch) {
    out.fetch = (request, env, ctx) =>
      withLogScope(env, ctx, {}, async (c) => fetch.call(handler, request, env, c ?? ctx));
  }
  if (scheduled) {
    out.scheduled = (controller, env, ctx) => {
      const at = new Date(controller.scheduledTime);
      const correlationId = `cron:${Number.isNaN(at.getTime()) ? "unknown" : at.toISOString()}`;
      return withLogScope(env, ctx, { correlationId, onFinish: flushObservability }, async (c) =>
        scheduled.call(handler, controller, env, c ?? ctx),
      );
    };
  }
  if (queue) {
    out.queue = (batch, env, ctx) =>
      withLogScope(
        env,
        ctx,
        { correlationId: crypto.randomUUID(), onFinish: flushObservability },
        async (c) => queue.call(handler, batch, env, c ?? ctx),
      );
  }
  return out as H;
}
