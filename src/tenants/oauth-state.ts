/**
 * The `state` of an OAuth redirect and the invites that bind a new workspace to an existing tenant:
 * 32 random bytes (base64url) handed out once, kept in the Directory as SHA-256 only, single-use.
 *
 * A state says which install it is for (`purpose`), the tenant it joins (null: a new tenant is made)
 * and the invite it uses up. It lives 15 minutes (an install is a few clicks); an invite lives 7 days
 * unless its creator says otherwise (at most 30).
 */

import type { Env } from "../env";
import { sha256Hex } from "../platform/crypto";
import { randomId } from "../platform/ids";
import type { Invite, InviteProblem, OAuthPurpose, StateProblem, TakenState } from "./installations";
import { isRandomToken, randomToken } from "./keys";
import { directory } from "./stub";

export const STATE_TTL_MS = 15 * 60_000;
export const INVITE_TTL_MS = 7 * 24 * 3_600_000;
export const MAX_INVITE_TTL_MS = 30 * 24 * 3_600_000;

export async function newOAuthState(
  env: Env,
  input: { purpose: OAuthPurpose; tenant: string | null; invite?: string | null; createdBy: string | null },
  nowMs = Date.now(),
): Promise<string> {
  const state = randomToken();
  await directory(env).createOAuthState({
    hash: await sha256Hex(state),
    purpose: input.purpose,
    tenant: input.tenant,
    invite: input.invite ?? null,
    createdBy: input.createdBy,
    expiresAtMs: nowMs + STATE_TTL_MS,
  });
  return state;
}

/** Uses a state up: what it was made for, or why it cannot be used. */
export async function takeOAuthState(
  env: Env,
  state: string | null,
  purpose: OAuthPurpose,
): Promise<TakenState | StateProblem> {
  if (!state || !isRandomToken(state)) return "unknown";
  return directory(env).takeOAuthState(await sha256Hex(state), purpose);
}

/** A new single-use invite of `tenant`: the token (shown once) and the invite. */
export async function newInvite(
  env: Env,
  input: { tenant: string; createdBy: string | null; ttlMs?: number },
  nowMs = Date.now(),
): Promise<{ token: string; invite: Invite }> {
  const token = randomToken();
  const ttl = Math.min(MAX_INVITE_TTL_MS, Math.max(60_000, input.ttlMs ?? INVITE_TTL_MS));
  const invite = await directory(env).createInvite({
    hash: await sha256Hex(token),
    id: randomId("inv"),
    tenant: input.tenant,
    createdBy: input.createdBy,
    expiresAtMs: nowMs + ttl,
  });
  return { token, invite };
}

/** The invite's hash when it can still be used, else why not. */
export async function checkInvite(
  env: Env,
  token: string,
): Promise<{ hash: string; invite: Invite } | InviteProblem> {
  if (!isRandomToken(token)) return "unknown";
  const hash = await sha256Hex(token);
  const found = await directory(env).checkInvite(hash);
  return typeof found === "string" ? found : { hash, invite: found };
}

/** What a person is told about an invite that cannot be used. */
export const INVITE_PROBLEMS: Readonly<Record<InviteProblem, string>> = {
  unknown: "This invite link is not valid. Ask your Foreman admin for a new one.",
  used: "This invite link has already been used. Each invite works once: ask your Foreman admin for a new one.",
  expired: "This invite link has expired. Ask your Foreman admin for a new one.",
};

/** What a person is told about a state that cannot be used. */
export const STATE_PROBLEMS: Readonly<Record<StateProblem, string>> = {
  unknown: "This install link is not one Foreman made (or it was changed). Start the install again.",
  used: "This install link has already been used. Start the install again if you need to.",
  expired: "This install link has expired (they last 15 minutes). Start the install again.",
  wrong_purpose: "This install link belongs to another platform's install. Start the install again.",
};
