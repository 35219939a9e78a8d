/**
 * Request bodies of mutating routes: at most `maxBytes` (checked against Content-Length and
 * against the bytes actually read), JSON only (415 otherwise), and well-formed (400 naming the body).
 */
import type { MiddlewareHandler } from "hono";
import {
  BadRequestError,
  errorMessage,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from "../../platform/errors";
import { BODY_LIMITS } from "../../platform/limits";
import { readRawBody } from "../../platform/raw-body";
import type { AppEnv } from "../types";

/** REST JSON bodies: 64 KiB (the per-route table is src/platform/limits.ts). */
export const MAX_BODY_BYTES = BODY_LIMITS.api;

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function isJsonContentType(value: string | undefined): boolean {
  const media = (value ?? "").split(";")[0]?.trim() ?? "";
  return JSON_TYPE.test(media);
}

export function jsonBody(maxBytes = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) {
      const declared = Number(raw.headers.get("Content-Length") ?? "0");
      if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
      return next();
    }
    const bytes = await readRawBody(raw, maxBytes);
    c.req.raw = new Request(raw, { body: bytes });
    if (bytes.byteLength === 0) return next();
    const contentType = c.req.header("Content-Type");
    if (!isJsonContentType(contentType)) throw new UnsupportedMediaTypeError("application/json", contentType);
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      const reason = errorMessage(err);
      throw new BadRequestError(`Malformed JSON in request body: ${reason}`, { field: "body" });
    }
    return next();
  };
}
