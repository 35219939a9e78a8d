/**
 * User mentions as the chat platforms send them in command text.
 * Slack (with "escape channels, users and links" on): `<@U123ABC|alice>` or `<@U123ABC>`; enterprise
 * grid ids start with W. Discord: `<@123456789012345678>` or the legacy nickname form `<@!123…>`.
 */
import { userRef } from "../chat/markup";
import { type ChatUser, DISCORD_SNOWFLAKE, SLACK_USER_ID } from "../domain/values";

export type MentionResult = { ok: true; user: ChatUser } | { ok: false; error: string };

const SLACK_MENTION = /^<@([A-Z0-9]+)(?:\|([^>]*))?>$/;
const DISCORD_MENTION = /^<@!?(\d+)>$/;
const PICK_HINT = "type @ and pick the person from the autocomplete so the chat sends a real mention";

export function parseMention(token: string): MentionResult {
  const raw = token.trim();
  const slack = SLACK_MENTION.exec(raw);
  if (slack) {
    const id = slack[1] ?? "";
    if (DISCORD_MENTION.test(raw)) return discordUser(id, raw);
    if (!SLACK_USER_ID.test(id))
      return { ok: false, error: `"${raw}" is not a Slack user mention (ids start with U or W)` };
    const name = slack[2]?.trim();
    return { ok: true, user: name ? { platform: "slack", id, name } : { platform: "slack", id } };
  }
  const discord = DISCORD_MENTION.exec(raw);
  if (discord) return discordUser(discord[1] ?? "", raw);
  return { ok: false, error: describeNonMention(raw) };
}

/** A Discord user from a USER option value (a snowflake). */
export function discordUserFromId(id: string): MentionResult {
  return discordUser(id, id);
}

/** The (live) mention of a user, for echoing back into either platform (src/chat/markup.ts). */
export function formatMention(user: ChatUser): string {
  return userRef(user.id);
}

export function looksLikeMention(token: string): boolean {
  return /^<[@#!]/.test(token.trim()) || token.trim().startsWith("@");
}

function discordUser(id: string, raw: string): MentionResult {
  if (!DISCORD_SNOWFLAKE.test(id)) return { ok: false, error: `"${raw}" is not a valid Discord user id` };
  return { ok: true, user: { platform: "discord", id } };
}

function describeNonMention(raw: string): string {
  if (raw === "") return `expected a user mention: ${PICK_HINT}`;
  if (/^<@&\d+>$/.test(raw) || /^<!subteam\^/.test(raw)) {
    return `"${raw}" mentions a group or role, not a person: mention one user`;
  }
  if (/^<!(here|channel|everyone)/.test(raw) || /^@(here|channel|everyone)$/i.test(raw)) {
    return `"${raw}" is a broadcast mention, not a person: mention one user`;
  }
  if (raw.startsWith("<#")) return `"${raw}" is a channel, not a person: mention one user`;
  if (raw.startsWith("@")) return `"${raw}" is plain text, not a mention: ${PICK_HINT}`;
  return `expected a user mention, got "${raw}": ${PICK_HINT}`;
}
