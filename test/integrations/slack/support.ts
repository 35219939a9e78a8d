/** Helpers of the Slack tests: signed requests (real HMAC-SHA256), env copies, fixtures. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { DeliveryMessage } from "../../../src/delivery/types";
import type { Env } from "../../../src/env";
import { handleSlackEvents, type SlackRequestOptions } from "../../../src/integrations/slack/app";
import { signSlackBody } from "../../../src/integrations/slack/verify";
import { recordingQueue } from "../../delivery/support";
import appHomeOpened from "../../fixtures/slack/app_home_opened.json";
import appMention from "../../fixtures/slack/app_mention.json";
import blockActions from "../../fixtures/slack/block_actions.json";
import slashCommand from "../../fixtures/slack/slash_command.json";
import urlVerification from "../../fixtures/slack/url_verification.json";
import viewSubmission from "../../fixtures/slack/view_submission.json";

export const SECRET = "test-signing-secret";
export const URL_EVENTS = "https://foreman.test/slack/events";

export const fixtures = {
  appHomeOpened,
  appMention,
  blockActions,
  slashCommand,
  urlVerification,
  viewSubmission,
};

const clone = <T>(value: T): T => structuredClone(value);
export const fixture = <K extends keyof typeof fixtures>(name: K): (typeof fixtures)[K] =>
  clone(fixtures[name]);

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface SignedInit {
  /** Raw body; form-encoded unless `json` is set. */
  body: string;
  json?: boolean;
  secret?: string;
  timestamp?: number | string;
  /** Replaces the computed signature. */
  signature?: string;
  headers?: Record<string, string>;
  omit?: ("signature" | "timestamp")[];
}

export async function signedRequest(init: SignedInit): Promise<Request> {
  const ts = String(init.timestamp ?? nowSeconds());
  const headers = new Headers({
    "content-type": init.json ? "application/json" : "application/x-www-form-urlencoded",
    ...init.headers,
  });
  const signature = init.signature ?? (await signSlackBody(init.secret ?? SECRET, ts, init.body));
  if (!init.omit?.includes("timestamp")) headers.set("x-slack-request-timestamp", ts);
  if (!init.omit?.includes("signature")) headers.set("x-slack-signature", signature);
  return new Request(URL_EVENTS, { method: "POST", headers, body: init.body });
}

/** A form-encoded slash command (`/foreman <text>`), fields from the fixture. */
export function commandBody(text: string, overrides: Record<string, string> = {}): string {
  return new URLSearchParams({ ...fixtures.slashCommand, text, ...overrides }).toString();
}

/** An interactivity request body: `payload=<json>`. */
export function payloadBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An env copy whose OUTBOUND queue records what is sent; demo mode (no bot token) unless given one. */
export function testEnv(tenant: string, extra: Partial<Env> = {}): { env: Env; sent: DeliveryMessage[] } {
  const { queue, sent } = recordingQueue();
  return {
    env: {
      ...env,
      OUTBOUND: queue,
      SLACK_BOT_TOKEN: undefined,
      SLACK_SIGNING_SECRET: SECRET,
      FOREMAN_DEFAULT_TENANT: tenant,
      ...extra,
    },
    sent,
  };
}

export interface Sent {
  response: Response;
  /** Resolves when every `waitUntil` promise of the request has settled. */
  settled: Promise<void>;
}

/** Calls the Slack handler like the route does, with a real execution context. */
export async function send(
  request: Request,
  e: Env,
  options: Partial<SlackRequestOptions> = {},
): Promise<Sent> {
  const ctx = createExecutionContext();
  const response = await handleSlackEvents(request, e, ctx, {
    correlationId: crypto.randomUUID(),
    ...options,
  });
  return { response, settled: waitOnExecutionContext(ctx) };
}
