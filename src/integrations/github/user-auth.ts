/**
 * GitHub vouching for the person who finishes an App installation. With "Request user authorization
 * (OAuth) during installation" on, GitHub's redirect to the Setup URL carries a `code`; exchanged
 * (`POST {GITHUB_OAUTH_URL}/login/oauth/access_token` with the App's client id and secret) it gives a
 * user token, and `GET /user/installations` with it lists the installations that person can access.
 * The user token is used for that one question and then dropped.
 */

import { z } from "zod";
import type { Env } from "../../env";
import type { FetchFn } from "../../platform/http-client";
import { GitHubApiError, listUserInstallations } from "./api";
import { DEFAULT_GITHUB_API_URL } from "./client";

export const DEFAULT_GITHUB_OAUTH_URL = "https://github.com";

/** `vouched`: GitHub lists it for the user; `denied`: GitHub says no; `unverified`: not asked (no code or no client). */
export type Vouch = "vouched" | "denied" | "unverified";

const TokenAnswer = z.looseObject({ access_token: z.string().min(1) });

export async function verifyInstallationAccess(
  env: Env,
  code: string | null,
  installationId: number,
  fetchFn: FetchFn,
): Promise<Vouch> {
  const clientId = env.GITHUB_APP_CLIENT_ID?.trim();
  const clientSecret = env.GITHUB_APP_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret || !code) return "unverified";
  const base = (env.GITHUB_OAUTH_URL?.trim() || DEFAULT_GITHUB_OAUTH_URL).replace(/\/+$/, "");
  let userToken: string;
  try {
    const res = await fetchFn(`${base}/login/oauth/access_token`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, code }),
      signal: AbortSignal.timeout(10_000),
    });
    const parsed = TokenAnswer.safeParse(await res.json().catch(() => null));
    if (!res.ok || !parsed.success) return "denied";
    userToken = parsed.data.access_token;
  } catch {
    return "denied";
  }
  try {
    const ids = await listUserInstallations(userToken, {
      baseUrl: env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL,
      fetch: fetchFn,
    });
    return ids.includes(installationId) ? "vouched" : "denied";
  } catch (err) {
    if (err instanceof GitHubApiError) return "denied";
    throw err;
  }
}
