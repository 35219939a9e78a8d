/**
 * Request generators for the chat endpoints: Slack bodies (junk, mutated slash commands,
 * interactivity `payload=` and Events API JSON) and Discord interactions (junk, mutated fixtures),
 * each with a signing mode: valid, missing, garbage, stale, another secret / key, another body.
 */
import fc from "fast-check";
import appHomeOpened from "../fixtures/slack/app_home_opened.json";
import appMention from "../fixtures/slack/app_mention.json";
import blockActions from "../fixtures/slack/block_actions.json";
import slashCommand from "../fixtures/slack/slash_command.json";
import urlVerification from "../fixtures/slack/url_verification.json";
import viewSubmission from "../fixtures/slack/view_submission.json";
import { FIXTURES, type KeyPair } from "../integrations/discord/support";
import { type Json, junkBody, mutated } from "./arbitraries";
import { bytesOf, discordSignature, nowSeconds, slackSignature } from "./support";

export const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

const toForm = (fields: Json): string =>
  new URLSearchParams(
    Object.entries(fields).map(([k, v]) => [k, typeof v === "string" ? v : (JSON.stringify(v) ?? "")]),
  ).toString();

/** A Slack body and the content type Slack would send it with. */
export const slackBody: fc.Arbitrary<{ body: Uint8Array; type: string }> = fc.oneof(
  junkBody().map((body) => ({ body, type: FORM })),
  mutated(slashCommand).map((f) => ({ body: bytesOf(toForm(f)), type: FORM })),
  fc.oneof(mutated(blockActions), mutated(viewSubmission)).map((p) => ({
    body: bytesOf(new URLSearchParams({ payload: JSON.stringify(p) }).toString()),
    type: FORM,
  })),
  junkBody(512).map((junk) => ({
    body: bytesOf(`payload=${encodeURIComponent(new TextDecoder().decode(junk))}`),
    type: FORM,
  })),
  fc
    .oneof(mutated(appMention), mutated(appHomeOpened), mutated(urlVerification))
    .map((e) => ({ body: bytesOf(JSON.stringify(e)), type: JSON_TYPE })),
);

export const SLACK_MODES = [
  "valid",
  "none",
  "no-ts",
  "no-sig",
  "garbage",
  "stale",
  "future",
  "other-secret",
  "other-body",
] as const;
export type SlackMode = (typeof SLACK_MODES)[number];

const otherBody = (body: Uint8Array) => bytesOf(`${new TextDecoder().decode(body)} `);

/** Slack's signature headers for `body` under `mode` (`junk` is the garbage value). */
export async function slackHeaders(
  mode: SlackMode,
  body: Uint8Array,
  junk = "",
): Promise<Record<string, string>> {
  const now = nowSeconds();
  const ts = String(mode === "stale" ? now - 600 : mode === "future" ? now + 600 : now);
  let signature = await slackSignature(mode === "other-body" ? otherBody(body) : body, ts);
  if (mode === "garbage") signature = junk;
  if (mode === "other-secret") signature = signature.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
  const headers: Record<string, string> = {};
  if (mode !== "none" && mode !== "no-ts")
    headers["x-slack-request-timestamp"] = mode === "garbage" ? junk : ts;
  if (mode !== "none" && mode !== "no-sig") headers["x-slack-signature"] = signature;
  return headers;
}

/** A Discord interaction body: junk, or a mutated ping, command or button. */
export const discordBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  junkBody(),
  fc
    .oneof(
      mutated(FIXTURES.ping as Json),
      mutated(FIXTURES.commandHelp as Json),
      mutated(FIXTURES.commandTeamAdd as Json),
      mutated(FIXTURES.componentButton as Json),
    )
    .map((j) => bytesOf(JSON.stringify(j))),
);

export const DISCORD_MODES = [
  "valid",
  "none",
  "no-ts",
  "garbage",
  "stale",
  "other-key",
  "other-body",
  "upper",
] as const;
export type DiscordMode = (typeof DISCORD_MODES)[number];

/** Discord's signature headers for `body` under `mode`, signed with `keys` (or `stranger`). */
export async function discordHeaders(
  mode: DiscordMode,
  body: Uint8Array,
  keys: { own: KeyPair; stranger: KeyPair },
  junk = "",
): Promise<Record<string, string>> {
  const ts = String(mode === "stale" ? nowSeconds() - 600 : nowSeconds());
  const signer = mode === "other-key" ? keys.stranger : keys.own;
  let signature = await discordSignature(signer, mode === "other-body" ? otherBody(body) : body, ts);
  if (mode === "garbage") signature = junk;
  if (mode === "upper") signature = signature.toUpperCase();
  const headers: Record<string, string> = {};
  if (mode !== "none") headers["x-signature-ed25519"] = signature;
  if (mode !== "none" && mode !== "no-ts") headers["x-signature-timestamp"] = mode === "garbage" ? junk : ts;
  return headers;
}
