/**
 * Renewing an install's token before it expires: Slack with token rotation on (`oauth.v2.access`,
 * grant_type=refresh_token) and Linear (its OAuth tokens expire; `/oauth/token` with the refresh
 * token). A token with less than `REFRESH_MARGIN_MS` left is renewed on use, sealed again and kept in
 * the tenant's Outbox — only while the install is live, so a revocation that lands meanwhile wins.
 * A failed renewal leaves the old token in use (it may still work); the platform's refusal then
 * fails the send the way an expired token always does.
 */

import { outbox } from "../delivery/stub";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { errorMessage } from "../platform/errors";
import { defaultFetch, type FetchFn } from "../platform/http-client";
import { backgroundHost, expiresAtAfter, type SecretBundle, sealSecret } from "../tenants/credential-seal";
import type { HeldCredential, Renew } from "../tenants/tenant-token";
import { linearOAuthConfig, refreshLinearToken } from "./linear/oauth";
import { exchangeSlackCode, slackOAuthConfig } from "./slack/oauth";

export const REFRESH_MARGIN_MS = 5 * 60_000;
const log = logger("installs.refresh");

async function renewed(
  env: Env,
  held: HeldCredential,
  refreshToken: string,
  fetchFn: FetchFn,
  nowMs: number,
): Promise<SecretBundle | null> {
  if (held.platform === "slack") {
    const config = slackOAuthConfig(env);
    if (!config) return null;
    const grant = await exchangeSlackCode(config, { refreshToken }, fetchFn);
    return {
      token: grant.botToken,
      refreshToken: grant.refreshToken ?? refreshToken,
      expiresAt: expiresAtAfter(grant.expiresInSeconds, nowMs),
    };
  }
  const config = linearOAuthConfig(env);
  if (!config) return null;
  const grant = await refreshLinearToken(config, refreshToken, fetchFn);
  return {
    token: grant.accessToken,
    refreshToken: grant.refreshToken ?? refreshToken,
    expiresAt: expiresAtAfter(grant.expiresIn, nowMs),
  };
}

/** `tenantToken`'s renewal for reads outside the delivery path (Bolt's authorize, team import). */
export const renewForReads =
  (env: Env): Renew =>
  (held, bundle) =>
    freshBundle(env, held, bundle, defaultFetch, Date.now());

/** The bundle to use now: renewed and kept when it is about to expire, else as it is. */
export async function freshBundle(
  env: Env,
  held: HeldCredential,
  bundle: SecretBundle,
  fetchFn: FetchFn,
  nowMs: number,
): Promise<SecretBundle> {
  if (!bundle.refreshToken || !bundle.expiresAt) return bundle;
  if (Date.parse(bundle.expiresAt) - nowMs > REFRESH_MARGIN_MS) return bundle;
  try {
    const next = await renewed(env, held, bundle.refreshToken, fetchFn, nowMs);
    if (!next) return bundle;
    const where = { platform: held.platform, tenant: held.tenant, account: held.account };
    const sealed = await sealSecret(env, backgroundHost(env), where, next);
    await outbox(env, held.tenant).putCredential({ ...where, sealed, details: held.details, renew: true });
    return next;
  } catch (err) {
    log.warn("install.refresh_failed", {
      tenant: held.tenant,
      platform: held.platform,
      error: errorMessage(err),
    });
    return bundle;
  }
}
