/**
 * Request bodies of mutating routes: at most `maxBytes` (checked against Content-Length and
 * against the bytes actually read), JSON only (415 otherwise), and well-formed (400 naming the body).
 */
import type { MiddlewareHandler } from "hono";
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "../../errors";
import type { AppEnv } from "../types";

export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function isJsonContentType(value: string | undefined): boolean {
  const media = (value ?? "").split(";")[0]?.trim() ?? "";
  return JSON_TYPE.test(media);
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export function jsonBody(maxBytes = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    const declared = Number(raw.headers.get("Content-Length") ?? "0");
    if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
    if (!raw.body) return next();
    const bytes = await readCapped(raw.body, maxBytes);
    c.req.raw = new Request(raw, { body: bytes });
    if (bytes.byteLength === 0) return next();
    const contentType = c.req.header("Content-Type");
    if (!isJsonContentType(contentType)) throw new UnsupportedMediaTypeError("application/json", contentType);
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new BadRequestError(`Malformed JSON in request body: ${reason}`, { field: "body" });
    }
    return next();
  };
}
