/**
 * Raw request bodies, read once as bytes and capped at a limit (Content-Length checked first when
 * present, then the bytes actually sent). Used by every inbound route: signatures (Slack, Discord,
 * GitHub, Linear) are computed over the exact bytes, and JSON is parsed only after verification.
 */

import { BadRequestError, errorMessage, PayloadTooLargeError } from "./errors";

/** Reads the whole body, throwing PayloadTooLargeError as soon as it exceeds `limitBytes`. */
/** The declared body length, or null when absent or not a plain decimal number. */
export function declaredLength(headers: Headers): number | null {
  const value = headers.get("Content-Length")?.trim();
  return value !== undefined && /^\d{1,16}$/.test(value) ? Number(value) : null;
}

export async function readRawBody(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = declaredLength(request.headers);
  if (declared !== null && declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  if (request.bodyUsed) throw new BadRequestError("Request body was already read", { field: "body" });
  if (!request.body) return new Uint8Array(0);
  if (declared !== null) {
    // Declared and within the limit: one native read (the runtime holds the body to its length).
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limitBytes) throw new PayloadTooLargeError(limitBytes);
    return bytes;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Parses UTF-8 JSON; an empty, non-UTF-8 or malformed body is a BadRequestError naming `body`. */
export function parseJsonBody(raw: Uint8Array | ArrayBuffer): unknown {
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  if (bytes.byteLength === 0) throw new BadRequestError("Request body is empty", { field: "body" });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new BadRequestError("Request body is not valid UTF-8", { field: "body" });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = errorMessage(err);
    throw new BadRequestError(`Malformed JSON in request body: ${reason}`, { field: "body" });
  }
}
