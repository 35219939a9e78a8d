/**
 * Bolt Receiver for a Worker: one Fetch `Request` in, one `Response` out.
 *
 * 1. Refuse before reading: no signing secret configured, or signature headers missing -> 401.
 * 2. Read the raw body once (at most 1 MiB -> 413) and verify the signature over exactly those bytes,
 *    not over a decoded string (./verify.ts; 5-minute window) BEFORE parsing anything -> 401 on
 *    failure. Nothing is stored or queued.
 * 3. Decode (UTF-8, strictly: 400 otherwise) and parse (form fields, `payload=` JSON for
 *    interactivity, or JSON for events); answer `url_verification` and `ssl_check` here.
 * 4. `app.processEvent({ body, ack, retryNum, retryReason })`: the first `ack(x)` becomes the HTTP
 *    response (JSON for an object, text for a string, empty 200 for nothing) and the rest of the
 *    listener keeps running under `waitUntil`. A payload Bolt cannot read (it rejects before any
 *    listener runs) is a 400.
 */

import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { type ErrorCode, errorMessage, PayloadTooLargeError } from "../../platform/errors";
import { readRawBody } from "../../platform/raw-body";
import type { ForemanContext, RequestScope } from "./scope";
import { verifySignature } from "./verify";
import { scopeEnvs } from "./workspace-token";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Slack waits 3 s; answer empty a little before that if no listener has acknowledged. */
export const ACK_DEADLINE_MS = 2_800;

export interface ReceiveOptions {
  /** SLACK_SIGNING_SECRET, trimmed once per env (app.ts); none or empty refuses every request. */
  signingSecret: string | undefined;
  nowMs?: number;
}

export function slackError(status: number, code: ErrorCode, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

export class WorkerReceiver implements Receiver {
  private app: App<ForemanContext> | undefined;

  init(app: App<ForemanContext>): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(request: Request, scope: RequestScope, options: ReceiveOptions): Promise<Response> {
    const secret = options.signingSecret;
    if (!secret) {
      return slackError(
        401,
        "unauthorized",
        "Slack is not configured: set SLACK_SIGNING_SECRET to accept requests",
      );
    }
    const signature = request.headers.get("x-slack-signature");
    const timestamp = request.headers.get("x-slack-request-timestamp");
    if (!signature || !timestamp) {
      return slackError(401, "unauthorized", "Missing X-Slack-Signature or X-Slack-Request-Timestamp header");
    }
    const raw = await readBody(request, MAX_BODY_BYTES);
    if (raw === null)
      return slackError(413, "payload_too_large", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    const verified = await verifySignature({
      signingSecret: secret,
      body: raw,
      signature,
      timestamp,
      nowMs: options.nowMs,
    });
    if (!verified.ok) {
      scope.log("warn", "slack.signature_rejected", {
        correlationId: scope.correlationId,
        reason: verified.message,
      });
      return slackError(401, "unauthorized", verified.message);
    }

    const text = decodeUtf8(raw);
    const body = text === null ? null : parseBody(text, request.headers.get("content-type"));
    if (!body) return slackError(400, "bad_request", "Malformed Slack request body");
    if (body.type === "url_verification") return Response.json({ challenge: body.challenge });
    if (body.ssl_check === "1") return new Response(null, { status: 200 });
    return this.dispatch(body, request.headers, scope);
  }

  private async dispatch(
    body: Record<string, unknown>,
    headers: Headers,
    scope: RequestScope,
  ): Promise<Response> {
    const app = this.app;
    if (!app) throw new Error("WorkerReceiver used before App.init");
    let settle: (response: Response) => void = () => {};
    const responded = new Promise<Response>((resolve) => {
      settle = resolve;
    });
    let acked = false;
    const ack = async (response?: unknown): Promise<void> => {
      if (acked) return;
      acked = true;
      settle(toResponse(response));
    };
    const retry = Number(headers.get("x-slack-retry-num") ?? "");
    const event: ReceiverEvent = {
      body,
      ack,
      ...(Number.isInteger(retry) && retry > 0 ? { retryNum: retry } : {}),
      ...(headers.get("x-slack-retry-reason")
        ? { retryReason: headers.get("x-slack-retry-reason") ?? "" }
        : {}),
      customProperties: { foreman: scope },
    };
    scopeEnvs.set(body, scope.env);
    const processing = app.processEvent(event);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), ACK_DEADLINE_MS);
    });
    const outcome = await Promise.race([
      responded.then(() => "acked" as const),
      processing.then(
        () => "finished" as const,
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
    clearTimeout(timer);
    scope.waitUntil(
      processing.catch((err: unknown) =>
        scope.log("error", "slack.listener_failed", {
          correlationId: scope.correlationId,
          error: errorMessage(err),
        }),
      ),
    );
    if (acked) return responded;
    const fields = { correlationId: scope.correlationId, type: body.type ?? body.command };
    if (typeof outcome === "object") {
      // Listener errors never get here (they go to app.error): Bolt rejects only while reading the
      // envelope, when a signed payload lacks what every Slack payload has (`user`, a `view`,
      // `actions` as a list...). That is the request's fault: 400, not 500.
      scope.log("warn", "slack.malformed_payload", { ...fields, error: errorMessage(outcome.error) });
      return slackError(400, "bad_request", "Malformed Slack request body");
    }
    scope.log("warn", outcome === "deadline" ? "slack.ack_deadline" : "slack.unhandled", fields);
    return new Response(null, { status: 200 });
  }
}

function toResponse(value: unknown): Response {
  if (value === undefined || value === null || value === "") return new Response(null, { status: 200 });
  if (typeof value === "string") {
    return new Response(value, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return Response.json(value, { status: 200 });
}

/** The body's bytes, or null when it is larger than `max` bytes (declared or actually sent). */
async function readBody(request: Request, max: number): Promise<Uint8Array | null> {
  try {
    return await readRawBody(request, max);
  } catch (err) {
    if (err instanceof PayloadTooLargeError) return null;
    throw err;
  }
}

/** Strict UTF-8; kept for the isolate (a whole-buffer `decode` carries no state between calls). */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The verified bytes as text; null when they are not UTF-8 (Slack always sends UTF-8). */
function decodeUtf8(raw: Uint8Array): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

/** Form fields (slash commands), `payload=` JSON (interactivity), or a JSON object (events). */
export function parseBody(raw: string, contentType: string | null): Record<string, unknown> | null {
  try {
    if ((contentType ?? "").toLowerCase().includes("application/json")) return asObject(JSON.parse(raw));
    const form = new URLSearchParams(raw);
    const payload = form.get("payload");
    if (payload !== null) return asObject(JSON.parse(payload));
    return Object.fromEntries(form);
  } catch {
    return null;
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
