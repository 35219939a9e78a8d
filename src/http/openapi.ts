/** Pieces shared by route definitions: JSON content, error responses, security, call meta. */

import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CallMeta } from "../agents/model";
import { ErrorSchema } from "./schemas";
import type { AppEnv } from "./types";

export const BEARER = "bearer";
export const security = [{ [BEARER]: [] }];

export function json<T extends z.ZodType>(schema: T) {
  return { "application/json": { schema } };
}

export function jsonBodyOf<T extends z.ZodType>(schema: T) {
  return { required: true, content: json(schema) };
}

const err = (description: string) => ({ description, content: json(ErrorSchema) });

/** An error response of `status` in the one error shape, described for its route. */
export function errorResponse<S extends number>(status: S, description: string) {
  return { [status]: err(description) } as { [K in S]: ReturnType<typeof err> };
}

export const E400 = { 400: err("Invalid request: validation_failed names the field, or malformed JSON") };
export const E401 = { 401: err("Missing, unknown or revoked API key (WWW-Authenticate: Bearer)") };
export const E403 = { 403: err("The key's role is too weak; the message names the role needed") };
export const E404 = { 404: err("Unknown id (or an id of another tenant)") };
export const E409 = { 409: err("The resource is in a state that does not allow this") };
export const E413 = { 413: err("Body over 64 KiB (src/platform/limits.ts); the message names the limit") };
export const E415 = { 415: err("Body with a Content-Type other than application/json") };

export const E429 = {
  429: err("Rate limit of the API key (or, without a valid key, of the address) reached; see Retry-After"),
};

/** Errors every authenticated read can answer. */
export const READ_ERRORS = { ...E400, ...E401, ...E403, ...E429 };
/** Errors every authenticated mutation can answer. */
export const WRITE_ERRORS = { ...E400, ...E401, ...E403, ...E413, ...E415, ...E429 };

/** Who is calling, for the Coordinator's history and events. */
export function callMeta(c: Context<AppEnv>): CallMeta {
  const principal = c.get("principal");
  return { correlationId: c.get("correlationId"), actor: principal ? `key:${principal.keyId}` : undefined };
}
