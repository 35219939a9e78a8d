/** Helpers of the Discord tests: a real Ed25519 key pair, signed requests, an app with test deps. */

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { InteractionResponse } from "../../../src/chat/discord/types";
import type { Env } from "../../../src/env";
import { onError } from "../../../src/http/errors";
import { correlation } from "../../../src/http/middleware/correlation";
import { registerDiscordRoutes } from "../../../src/http/routes/discord";
import type { AppEnv } from "../../../src/http/types";
import { DEFAULT_DEPS, type InteractionDeps } from "../../../src/integrations/discord/interactions";
import commandHelp from "../../fixtures/discord/command-help.json";
import commandTeamAdd from "../../fixtures/discord/command-team-add.json";
import componentButton from "../../fixtures/discord/component-button.json";
import ping from "../../fixtures/discord/ping.json";

export const FIXTURES = { ping, commandHelp, commandTeamAdd, componentButton } as const;
export const URL_PATH = "http://foreman.test/discord/interactions";

export interface KeyPair {
  publicKeyHex: string;
  privateKey: CryptoKey;
}

const hex = (bytes: ArrayBuffer): string =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function generateKeyPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
  return { publicKeyHex: hex(raw), privateKey: pair.privateKey };
}

export interface SignOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign this instead of the body that is sent (a forged signature). */
  signedBody?: string;
  headers?: Record<string, string>;
}

/** A POST to /discord/interactions signed like Discord does: Ed25519 over `timestamp + body`. */
export async function signedRequest(
  keys: KeyPair,
  body: unknown,
  options: SignOptions = {},
): Promise<Request> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const message = new TextEncoder().encode(timestamp + (options.signedBody ?? text));
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, keys.privateKey, message);
  return new Request(URL_PATH, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Signature-Ed25519": hex(signature),
      "X-Signature-Timestamp": timestamp,
      ...options.headers,
    },
    body: text,
  });
}

/** The test env with the key pair's public key configured. */
export function discordEnv(keys: KeyPair, extra: Partial<Env> = {}): Env {
  return {
    ...env,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_APPLICATION_ID: ping.application_id,
    ...extra,
  };
}

/** An app with only the Discord route, its middleware and error handler, and the given deps. */
export function discordApp(overrides: Partial<InteractionDeps> = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", correlation());
  registerDiscordRoutes(app, { ...DEFAULT_DEPS, ...overrides });
  app.onError(onError);
  return app;
}

export interface Called {
  res: Response;
  ctx: ExecutionContext;
}

export async function call(app: OpenAPIHono<AppEnv>, request: Request, testEnv: Env): Promise<Called> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, testEnv, ctx);
  return { res, ctx };
}

export async function responseOf(res: Response): Promise<InteractionResponse> {
  return (await res.json()) as InteractionResponse;
}

/** A deep copy of a fixture with some fields replaced (`id` too, so delivery keys stay unique). */
export function variant<T extends object>(fixture: T, changes: Record<string, unknown>): T {
  return { ...structuredClone(fixture), ...changes };
}
