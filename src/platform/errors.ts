/**
 * Named error classes and the one error shape of the API:
 * `{"error": {"code", "message", "details"?}}`.
 *
 * Durable Object RPC does not carry custom error classes across the boundary, so
 * objects return an `Outcome` and callers turn failures back into errors with `unwrap`.
 */

export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal"
  | "unavailable";

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(status: number, code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, "bad_request", message, details);
    this.name = "BadRequestError";
  }
}

export type FieldIssue = {
  field: string;
  message: string;
};

export class ValidationError extends AppError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], prefix = "Invalid request") {
    const first = issues[0];
    const message = first ? `${prefix}: ${first.field}: ${first.message}` : prefix;
    super(400, "validation_failed", message, { issues });
    this.name = "ValidationError";
    this.issues = issues;
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = "A valid API key is required (Authorization: Bearer <key>)") {
    super(401, "unauthorized", message);
    this.name = "UnauthorizedError";
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, "forbidden", message);
    this.name = "ForbiddenError";
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, "not_found", message);
    this.name = "NotFoundError";
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, "conflict", message, details);
    this.name = "ConflictError";
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, "payload_too_large", `Request body exceeds the limit of ${limitBytes} bytes`);
    this.name = "PayloadTooLargeError";
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string, got: string | undefined) {
    super(415, "unsupported_media_type", `Content-Type must be ${expected}, got ${got ?? "none"}`);
    this.name = "UnsupportedMediaTypeError";
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(503, "unavailable", message);
    this.name = "ServiceUnavailableError";
  }
}

/**
 * Secrets kept encrypted at rest cannot be sealed or opened: TOKEN_ENCRYPTION_KEY is missing or
 * malformed, or a stored secret was sealed with a key this deployment no longer has. A deployment
 * problem, not the caller's: 503 with a message saying what the operator must do.
 */
export class EncryptionKeyError extends AppError {
  constructor(message: string) {
    super(503, "unavailable", message);
    this.name = "EncryptionKeyError";
  }
}

/** Result of a Durable Object call that may fail for a reason the caller must report. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: { status: number } & ErrorBody };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: AppError): Outcome<T> {
  return { ok: false, error: { status: error.status, ...error.toBody() } };
}

/** Runs `fn` and turns a thrown AppError into a failed Outcome (other errors propagate). */
export async function attempt<T>(fn: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    if (err instanceof AppError) return fail(err);
    throw err;
  }
}

/** Turns a failed Outcome back into an AppError on the calling side. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { status, code, message, details } = outcome.error;
  throw new AppError(status, code, message, details);
}

/** The message of anything thrown (`String(x)` for a non-Error). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `Name: message` of anything thrown, for logs. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
