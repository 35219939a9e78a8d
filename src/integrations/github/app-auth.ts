/**
 * Foreman as a GitHub App: its JWT (RS256 over the App's private key, by `universal-github-app-jwt` on
 * WebCrypto) and its installations' access tokens, minted through octokit
 * (`POST /app/installations/{id}/access_tokens`) and kept per isolate until 5 minutes before they
 * expire. Other isolates mint their own; a token GitHub refuses early (the App was suspended or
 * uninstalled) is dropped with `forgetInstallationToken`.
 */

import githubAppJwt from "universal-github-app-jwt";
import { z } from "zod";
import type { Env } from "../../env";
import { errorText } from "../../platform/errors";
import type { FetchFn } from "../../platform/http-client";
import { IsolateCache } from "../../platform/isolate-cache";
import { GitHubApiError, read } from "./api";
import { DEFAULT_GITHUB_API_URL, githubOctokit } from "./client";

export interface GitHubAppConfig {
  /** The App ID (`iss` of its JWTs). */
  appId: string;
  /** The private key as PKCS#8 PEM (a PKCS#1 key is rewrapped). Never logged. */
  privateKeyPem: string;
  /** `github.com/apps/<slug>`; null when GITHUB_APP_SLUG is unset. */
  slug: string | null;
  /** GITHUB_API_URL, default https://api.github.com. */
  apiUrl: string;
}

/** GITHUB_APP_ID or GITHUB_APP_PRIVATE_KEY is set but unusable. The message never holds the key. */
export class GitHubAppConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitHubAppConfigError";
  }
}

export interface InstallationToken {
  token: string;
  /** ISO time GitHub gave (`expires_at`, an hour after minting). */
  expiresAt: string;
}

export interface InstallationTokenDeps {
  fetch?: FetchFn | undefined;
  now: () => number;
}

/** Tokens are used until this long before they expire, then minted again. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

type AppEnv = Pick<Env, "GITHUB_APP_ID" | "GITHUB_APP_PRIVATE_KEY" | "GITHUB_APP_SLUG" | "GITHUB_API_URL">;

/** The App's configuration, or null when GITHUB_APP_ID or GITHUB_APP_PRIVATE_KEY is unset. */
export function githubAppConfig(env: AppEnv): GitHubAppConfig | null {
  const appId = env.GITHUB_APP_ID?.trim() ?? "";
  const rawKey = env.GITHUB_APP_PRIVATE_KEY?.trim() ?? "";
  if (appId === "" || rawKey === "") return null;
  if (!/^\d{1,20}$/.test(appId)) throw new GitHubAppConfigError("GITHUB_APP_ID is not a number");
  return {
    appId,
    privateKeyPem: pkcs8Pem(rawKey),
    slug: env.GITHUB_APP_SLUG?.trim() || null,
    apiUrl: env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL,
  };
}

/** The App's JWT at `nowMs`: `iat` 30 s back (clock skew), `exp` 10 minutes after `iat`, `iss` the App ID. */
export async function appJwt(config: GitHubAppConfig, nowMs: number): Promise<string> {
  try {
    const jwt = await githubAppJwt({
      id: config.appId,
      privateKey: config.privateKeyPem,
      now: Math.floor(nowMs / 1000),
    });
    return jwt.token;
  } catch (err) {
    throw new GitHubAppConfigError(`GITHUB_APP_PRIVATE_KEY could not sign (${errorText(err)})`);
  }
}

interface CachedToken extends InstallationToken {
  /** Which App and API the token belongs to (one installation id, one token). */
  owner: string;
}

const tokens = new IsolateCache<CachedToken>(1_000);

const AccessTokenSchema = z.object({ token: z.string().min(1), expires_at: z.string() });

/**
 * An access token of installation `installationId`: the cached one while it has more than 5 minutes
 * left, else a new one from `POST /app/installations/{id}/access_tokens`.
 */
export async function installationToken(
  config: GitHubAppConfig,
  installationId: number,
  deps: InstallationTokenDeps,
): Promise<InstallationToken> {
  const key = String(installationId);
  const owner = `${config.apiUrl} ${config.appId}`;
  const hit = tokens.get(key, deps.now(), Number.MAX_SAFE_INTEGER)?.value;
  if (hit !== undefined && hit.owner === owner) return { token: hit.token, expiresAt: hit.expiresAt };
  // Not shared between concurrent callers: a promise of one request must not be awaited by another in
  // workerd. Two tokens minted at once are both valid.
  const fresh = await mint(config, installationId, deps);
  const now = deps.now();
  tokens.delete(key); // also when the new one is too short-lived to keep: the old one is done
  tokens.set(key, { ...fresh, owner }, now, Date.parse(fresh.expiresAt) - TOKEN_REFRESH_MARGIN_MS - now);
  return fresh;
}

/** Drops the cached token of an installation (GitHub refused it, or the App was uninstalled). */
export function forgetInstallationToken(installationId: number): void {
  tokens.delete(String(installationId));
}

async function mint(
  config: GitHubAppConfig,
  installationId: number,
  deps: InstallationTokenDeps,
): Promise<InstallationToken> {
  const jwt = await appJwt(config, deps.now());
  const octokit = githubOctokit({ token: jwt, baseUrl: config.apiUrl, fetch: deps.fetch });
  const data = await read(`an access token of installation ${installationId}`, [jwt], () =>
    octokit.rest.apps.createInstallationAccessToken({ installation_id: installationId }),
  );
  const parsed = AccessTokenSchema.safeParse(data);
  if (!parsed.success || Number.isNaN(Date.parse(parsed.data.expires_at)))
    throw new GitHubApiError(
      `GitHub's access token of installation ${installationId} was not as documented`,
      201,
    );
  return { token: parsed.data.token, expiresAt: parsed.data.expires_at };
}

// --- PEM ---------------------------------------------------------------------------------------

const PEM = /^-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END (RSA )?PRIVATE KEY-----$/;
const NOT_A_KEY =
  "GITHUB_APP_PRIVATE_KEY is not a PEM private key (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`)";

/** The key as PKCS#8 PEM: `\n` written out becomes a newline; PKCS#1 (GitHub's download) is rewrapped. */
export function pkcs8Pem(raw: string): string {
  const text = raw.replace(/\\n/g, "\n").replace(/\r/g, "").trim();
  const match = PEM.exec(text);
  if (match === null || match[1] !== match[3]) throw new GitHubAppConfigError(NOT_A_KEY);
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob((match[2] ?? "").replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw new GitHubAppConfigError(NOT_A_KEY);
  }
  if (der.length < 64 || der[0] !== 0x30) throw new GitHubAppConfigError(NOT_A_KEY);
  const pkcs8 = match[1] === undefined ? der : wrapPkcs1(der);
  const base64 = btoa(String.fromCharCode(...pkcs8));
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

/** PrivateKeyInfo { version 0, AlgorithmIdentifier rsaEncryption NULL, OCTET STRING pkcs1 } (RFC 5208). */
function wrapPkcs1(pkcs1: Uint8Array): Uint8Array {
  const version = [0x02, 0x01, 0x00];
  const rsaEncryption = [
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
  ];
  const octets = [0x04, ...derLength(pkcs1.length), ...pkcs1];
  const content = [...version, ...rsaEncryption, ...octets];
  return Uint8Array.from([0x30, ...derLength(content.length), ...content]);
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}
