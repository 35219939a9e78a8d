/** Helpers for HTTP tests: build requests, call the Worker or an app instance, read JSON. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import type { FieldIssue } from "../../src/platform/errors";

/** The bootstrap key set in vitest.config.ts. */
export const ADMIN = "test-admin-key";
export const BASE = "http://foreman.test";

export interface CallInit {
  method?: string;
  /** Bearer key; `null` sends no Authorization header. Default: the bootstrap key. */
  key?: string | null;
  /** JSON-encoded unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export function buildRequest(path: string, init: CallInit = {}): Request {
  const headers = new Headers(init.headers);
  const key = init.key === undefined ? ADMIN : init.key;
  if (key !== null) headers.set("Authorization", `Bearer ${key}`);
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const method = init.method ?? (body !== undefined ? "POST" : "GET");
  return new Request(path.startsWith("http") ? path : BASE + path, { method, headers, body });
}

/** Through the Worker's fetch handler (src/index.ts). */
export function viaWorker(path: string, init: CallInit = {}): Promise<Response> {
  return exports.default.fetch(buildRequest(path, init));
}

/** Through a fresh app instance with `overrides` on the env, waiting for its waitUntil work. */
export async function viaApp(
  pathOrRequest: string | Request,
  init: CallInit = {},
  overrides: Partial<Env> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = typeof pathOrRequest === "string" ? buildRequest(pathOrRequest, init) : pathOrRequest;
  const res = await createApp().fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export interface ErrorJson {
  error: { code: string; message: string; details?: { issues?: FieldIssue[]; correlationId?: string } };
}

export async function jsonOf<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export async function errorOf(res: Response): Promise<ErrorJson["error"]> {
  return (await jsonOf<ErrorJson>(res)).error;
}

/** Creates an API key with the bootstrap key and returns its plaintext and id. */
export async function newKey(
  tenant: string,
  role: "admin" | "operator" | "viewer",
): Promise<{ key: string; id: string }> {
  const res = await viaWorker("/api/keys", { body: { tenant, role, name: `${role} of ${tenant}` } });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${await res.text()}`);
  return jsonOf<{ key: string; id: string }>(res);
}
