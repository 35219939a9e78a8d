/**
 * The log scope of one invocation (an HTTP request, a cron run, a queue batch): its env, its
 * correlation id and tenant (resolved lazily, so a route that learns them later still stamps them),
 * and the buffer of log lines archived to R2 when the invocation ends.
 *
 * The scope travels with AsyncLocalStorage, so code deep in a request logs with the request's
 * correlation id without passing a logger around. `withLogScope` wraps the ExecutionContext: every
 * `waitUntil` promise is tracked, and the archive is flushed (via the real `waitUntil`) once the
 * handler and all of that background work have settled — so lines logged after the response (audit
 * writes, Slack listeners, deferred Discord replies) are archived too.
 *
 * Durable Objects run outside these scopes: their lines go to the console (Workers Logs) only.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Env } from "../env";
import { type ArchivedLine, writeArchive } from "./archive";

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

/** Lines kept per invocation before an early flush. */
const FLUSH_AT = 500;

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
    if (this.closed || this.lines.length >= FLUSH_AT) this.background(this.flush());
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

  /** Waits for the tracked background work (including work it starts), then flushes. */
  async finish(): Promise<void> {
    let seen = 0;
    while (seen < this.tracked.length) {
      const pending = this.tracked.slice(seen);
      seen = this.tracked.length;
      await Promise.allSettled(pending);
    }
    this.closed = true;
    await this.flush();
  }

  async flush(): Promise<void> {
    const lines = this.lines;
    this.lines = [];
    const bucket = this.env.LOGS;
    if (lines.length === 0 || !bucket) return;
    await writeArchive(bucket, lines, { defaultTenant: this.fields().tenant });
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
}

/**
 * Runs `fn` inside a log scope. With a ctx, `fn` gets a wrapped ctx whose background work is tracked,
 * and the archive is flushed through the real ctx once everything settled. Never throws by itself.
 */
export function withLogScope<T>(
  env: Partial<Env>,
  ctx: ExecutionContext | undefined,
  options: ScopeOptions,
  fn: (ctx: ExecutionContext | undefined) => Promise<T>,
): Promise<T> {
  const { archive, ...base } = options;
  const scope = new Scope(env, base, ctx, archive ?? ctx !== undefined);
  const wrapped = ctx ? scope.wrap(ctx) : undefined;
  return storage.run(scope, async () => {
    try {
      return await fn(wrapped);
    } finally {
      if (ctx) scope.background(scope.finish());
    }
  });
}
