/**
 * Structured logging: one JSON object per line on the console (Workers Logs picks them up), shaped
 *
 *   {"ts", "level", "msg", "correlationId"?, "tenant"?, "component", ...fields}
 *
 * Levels are filtered by `LOG_LEVEL` (default `info`). Every line is redacted (redact.ts) before it
 * is written. Inside a log scope (context.ts: an HTTP request, cron run or queue batch) the line
 * takes the scope's correlation id and tenant unless it names its own, and is also kept for the R2
 * archive. Logging never throws.
 *
 *   const log = logger("delivery.consumer");
 *   log.info("delivery.delivered", { deliveryId, tenant, correlationId });
 */
import { env as workerEnv } from "cloudflare:workers";
import type { Env } from "../env";
import { currentScope } from "./context";
import { enabled, type Level, minimumLevel } from "./levels";
import { redactValue, secretValues } from "./redact";

export type { Level } from "./levels";
export type LogFields = Record<string, unknown>;

/** Fields every line has; callers cannot overwrite them with their own fields. */
const RESERVED = new Set(["ts", "level", "msg", "component", "correlationId", "tenant"]);

/** What an env's lines need, worked out once per env object: its secrets and its minimum level. */
interface EnvLogging {
  secrets: string[];
  /** LOG_LEVEL as it was read, and the floor it names. */
  logLevel: string | undefined;
  floor: Level;
}

const envLogging = new WeakMap<object, EnvLogging>();

function loggingOf(env: Partial<Env>): EnvLogging {
  let known = envLogging.get(env);
  if (!known) {
    known = { secrets: secretValues(env), logLevel: env.LOG_LEVEL, floor: minimumLevel(env.LOG_LEVEL) };
    envLogging.set(env, known);
  } else if (known.logLevel !== env.LOG_LEVEL) {
    known.logLevel = env.LOG_LEVEL;
    known.floor = minimumLevel(env.LOG_LEVEL);
  }
  return known;
}

/** The env of the running code: the scope's, else the Worker's module-level env (Durable Objects). */
function activeEnv(scopeEnv: Partial<Env> | undefined): Partial<Env> {
  if (scopeEnv) return scopeEnv;
  try {
    return (workerEnv as Partial<Env> | undefined) ?? {};
  } catch {
    return {};
  }
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function write(level: Level, json: string): void {
  if (level === "error") console.error(json);
  else if (level === "warn") console.warn(json);
  else console.log(json);
}

function emit(level: Level, msg: string, bound: LogFields, fields: LogFields | undefined): void {
  try {
    const scope = currentScope();
    const env = activeEnv(scope?.env);
    const { secrets, floor } = loggingOf(env);
    if (!enabled(level, floor)) return;
    const merged: LogFields = { ...bound, ...fields };
    const fromScope = scope?.fields() ?? {};
    const correlationId = text(merged.correlationId) ?? fromScope.correlationId;
    const tenant = text(merged.tenant) ?? fromScope.tenant;
    const at = Date.now();
    const line: LogFields = { ts: new Date(at).toISOString(), level, msg };
    if (correlationId) line.correlationId = correlationId;
    if (tenant) line.tenant = tenant;
    line.component = text(merged.component) ?? "app";
    for (const [key, value] of Object.entries(merged)) {
      if (!RESERVED.has(key) && value !== undefined) line[key] = value;
    }
    const json = JSON.stringify(redactValue(line, secrets));
    write(level, json);
    scope?.keep({ json, level, tenant, at });
  } catch {
    // Never throw from logging.
  }
}

export class Logger {
  constructor(private readonly bound: LogFields) {}

  /** A logger whose lines all carry `fields` too (a line's own fields win). */
  child(fields: LogFields): Logger {
    return new Logger({ ...this.bound, ...fields });
  }

  log(level: Level, msg: string, fields?: LogFields): void {
    emit(level, msg, this.bound, fields);
  }

  debug(msg: string, fields?: LogFields): void {
    emit("debug", msg, this.bound, fields);
  }

  info(msg: string, fields?: LogFields): void {
    emit("info", msg, this.bound, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    emit("warn", msg, this.bound, fields);
  }

  error(msg: string, fields?: LogFields): void {
    emit("error", msg, this.bound, fields);
  }
}

/** A logger for one component, e.g. `logger("delivery.consumer")`. */
export function logger(component: string, fields: LogFields = {}): Logger {
  return new Logger({ ...fields, component });
}

/** `Name: message` of a thrown value, for an `error` field. */
