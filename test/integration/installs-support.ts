/** Shared by the install tests: a request through a fresh app on an env copy (test/http/helpers.ts `viaApp`). */
import type { Env } from "../../src/env";
import { viaApp } from "../http/helpers";

export const ORIGIN = "http://foreman.test";
export const ADMIN = { Authorization: "Bearer test-admin-key" };

export function call(e: Env, path: string, init: RequestInit = {}): Promise<Response> {
  return viaApp(new Request(path.startsWith("http") ? path : ORIGIN + path, init), {}, e);
}
