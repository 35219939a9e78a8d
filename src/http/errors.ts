/** The one error path of the API: `onError`, `notFound` and the zod validation hook. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { logger } from "../observability/logger";
import {
  AppError,
  type ErrorBody,
  type ErrorCode,
  type FieldIssue,
  ValidationError,
} from "../platform/errors";
import type { AppEnv } from "./types";

export const WWW_AUTHENTICATE = 'Bearer realm="foreman"';
const log = logger("http");

const TARGET_LABEL: Record<string, string> = {
  json: "Invalid request body",
  query: "Invalid query parameters",
  param: "Invalid path parameters",
  header: "Invalid headers",
};

/** Zod issues as field-named issues (`priority`, `context.tags.0`; unknown keys named too). */
export function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: [...path, key].join("."), message: "unknown field" }));
    }
    return [{ field: path.join(".") || "body", message: issue.message }];
  });
}

/** OpenAPIHono `defaultHook`: a failed validation becomes a 400 `validation_failed`. */
export function validationHook(result: { target: string; success: boolean; error?: ZodError }): void {
  if (result.success || !result.error) return;
  throw new ValidationError(fieldIssues(result.error), TARGET_LABEL[result.target] ?? "Invalid request");
}

const HTTP_CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "unavailable",
};

function errorJson(c: Context<AppEnv>, status: number, body: ErrorBody): Response {
  const res = c.json({ error: body }, status as ContentfulStatusCode);
  if (status === 401) res.headers.set("WWW-Authenticate", WWW_AUTHENTICATE);
  return res;
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) return errorJson(c, err.status, err.toBody());
  if (err instanceof HTTPException && err.status < 500) {
    const code = HTTP_CODES[err.status] ?? "bad_request";
    const message =
      err.status === 400 && /json/i.test(err.message) ? "Malformed JSON in request body" : err.message;
    return errorJson(c, err.status, { code, message });
  }
  const correlationId = c.get("correlationId");
  log.error("unhandled error", { correlationId, path: c.req.path, error: err.message, stack: err.stack });
  return errorJson(c, 500, { code: "internal", message: "Internal error", details: { correlationId } });
}

export function notFound(c: Context<AppEnv>): Response {
  return errorJson(c, 404, { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` });
}
