/**
 * Global body-size gate (before authentication, signatures or parsing): a request whose
 * `Content-Length` declares more than its route's limit (src/platform/limits.ts) is answered 413 at
 * once, without reading a byte. Bodies without `Content-Length` (chunked) are cut off by the
 * route's reader at the same limit (src/platform/raw-body.ts via jsonBody(), the Slack receiver, the
 * Discord and webhook handlers).
 */
import type { MiddlewareHandler } from "hono";
import { PayloadTooLargeError } from "../../platform/errors";
import { bodyLimitFor } from "../../platform/limits";
import { declaredLength } from "../../platform/raw-body";
import type { AppEnv } from "../types";

export function bodyLimit(limitFor: (path: string) => number = bodyLimitFor): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = declaredLength(c.req.raw.headers);
    const limit = limitFor(c.req.path);
    if (declared !== null && declared > limit) throw new PayloadTooLargeError(limit);
    await next();
  };
}
