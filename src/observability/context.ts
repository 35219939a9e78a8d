/**
 * The log scope of one invocation (an HTTP request, a cron run, a queue batch): its env, its
 * correlation id and tenant (resolved lazily, so a route that learns them later still stamps them),
 * and the invocation's log lines, handed to the isolate's archive buffer (archive-buffer.ts) when the
 * invocation ends. The buffer writes them to R2 in batches; this invocation writes only if it makes
 * a group due (through the real `waitUntil`).
 *
 * The scope travels with AsyncLocalStorage, so code deep in a request logs with the request's
 * correlation id without passing a logger around. `withLogScope` wraps the ExecutionContext: every
 * `waitUntil` promise is tracked, and the lines are handed over once the handler and all of that
 * background work have settled — so lines logged after the response (audit writes, Slack listeners,
 * deferred Discord replies) are archived too, under the tenant the invocation learnt last.
 *
 * Durable Objects run outside these scopes: their lines go to the console (Workers Logs) only.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Env } from "../env";
import type { ArchivedLine } from "./archive";
import { archiveBuffer, sendArchive } from "./archive-buffer";

export interface ScopeFields {
  correlationId?: string;
  tenant?: string;
}

export interface LogScope {
  readonly env: Partial<Env>;
  /** Current correlation id / tenant of the invocation (a binding may resolve them lazily). */
  fields(): ScopeFields;
  /** Replaces how the correlation id and tenant are found (the HTTP middleware binds the Hono context). */
  bind(resolve: () => ScopeFields): void;
  /** Adds a serialised line to the archive buffer (no-op for console-only scopes). */
  keep(line: ArchivedLine): void;
}

const storage = new AsyncLocalStorage<LogScope>();

/** The scope of the running invocation, if any. */
export function currentScope(): LogScope | undefined {
  try {
    return storage.getStore();
  } catch {
    return undefined;
  }
}

/** Lines kept per invocation before they are handed to the isolate buffer early. */
const HAND_OVER_AT = 500;

class Scope implements LogScope {
  private resolve: () => ScopeFields;
  private lines: ArchivedLine[] = [];
  private closed = false;
  private readonly tracked: Promise<unknown>[] = [];

  constructor(
    readonly env: Partial<Env>,
    base: ScopeFields,
    private readonly ctx: ExecutionContext | undefined,
    private readonly archive: boolean,
    private readonly onFinish: (() => Promise<void>) | undefined,
  ) {
    this.resolve = () => base;
  }

  fields(): ScopeFields {
    try {
      return this.resolve();
    } catch {
      return {};
    }
  }

  bind(resolve: () => ScopeFields): void {
    const previous = this.resolve;
    this.resolve = () => {
      const before = previous();
      const now = resolve();
      return {
        correlationId: now.correlationId ?? before.correlationId,
        tenant: now.tenant ?? before.tenant,
      };
    };
  }

  keep(line: ArchivedLine): void {
    if (!this.archive || !this.env.LOGS) return;
    this.lines.push(line);
    if (this.closed || this.lines.length >= HAND_OVER_AT) this.handOver();
  }

  /** The ExecutionContext handed to the handler: `waitUntil` is tracked, everything else passes through. */
  wrap(ctx: ExecutionContext): ExecutionContext {
    const waitUntil = (promise: Promise<unknown>) => {
      this.tracked.push(promise);
      ctx.waitUntil(promise);
    };
    return new Proxy(ctx, {
      get(target, prop) {
        if (prop === "waitUntil") return waitUntil;
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** Waits for the tracked background work (including work it starts), then hands the lines over. */
  async finish(): Promise<void> {
    let seen = 0;
    while (seen < this.tracked.length) {
      const pending = this.tracked.slice(seen);
      seen = this.tracked.length;
      await Promise.allSettled(pending);
    }
    this.closed = true;
    this.handOver();
    if (this.onFinish) await this.onFinish();
  }

  /** Moves the kept lines into the isolate buffer; writes the due groups if that made any due. */
  handOver(): void {
    const lines = this.lines;
    this.lines = [];
    const bucket = this.env.LOGS;
    if (lines.length === 0 || !bucket) return;
    const now = Date.now();
    if (archiveBuffer.add(bucket, lines, this.fields().tenant, now)) {
      this.background(sendArchive(archiveBuffer.takeDue(now), now));
    }
  }

  background(work: Promise<void>): void {
    const safe = work.catch(() => {});
    try {
      if (this.ctx) this.ctx.waitUntil(safe);
    } catch {
      // The invocation is over; the work still runs as far as the runtime lets it.
    }
  }
}

export interface ScopeOptions extends ScopeFields {
  /** Archive lines to R2 (env.LOGS). Default true when a ctx is given. */
  archive?: boolean;
  /** Runs (in the background, with a ctx) after the lines were handed over: e.g. flush every buffer. */
  onFinish?: () => Promise<void>;
}

/**
 * Runs `fn` inside a log scope. With a ctx, `fn` gets a wrapped ctx whose background work is tracked,
 * and the lines go to the archive buffer (written through the real ctx when due) once everything
 * settled. Never throws by itself.
 */
export function withLogScope<T>(
  env: Partial<Env>,
  ctx: ExecutionContext | undefined,
  options: ScopeOptions,
  fn: (ctx: ExecutionContext | undefined) => Promise<T>,
): Promise<T> {
  const { archive, onFinish, ...base } = options;
  const scope = new Scope(env, base, ctx, archive ?? ctx !== undefined, onFinish);
  const wrapped = ctx ? scope.wrap(ctx) : undefined;
  return storage.run(scope, async () => {
    try {
      return await fn(wrapped);
    } finally {
      if (ctx) scope.background(scope.finish());
    }
  });
}
