/** Shared by the install tests: a request through a fresh app on an env copy, waiting for its background work. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";

export const ORIGIN = "http://foreman.test";
export const ADMIN = { Authorization: "Bearer test-admin-key" };

export async function call(e: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(path.startsWith("http") ? path : ORIGIN + path, init);
  const res = await createApp().fetch(request, e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
