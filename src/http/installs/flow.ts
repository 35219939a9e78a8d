/**
 * What every install flow shares: minting the one-time `state` and sending the browser to the
 * platform's consent screen; on the way back, taking the state (once) and checking it came back to
 * the browser that left with it.
 *
 * The state also goes into a cookie (HttpOnly, SameSite=Lax, scoped to the flow's path). A browser
 * always sends `Sec-Fetch-Site`, so when the redirect comes from a browser its cookie must match the
 * state: someone else's state, slipped into a victim's browser to bind the victim's workspace to the
 * attacker's tenant, is refused. Requests without `Sec-Fetch-Site` (scripts, curl) are not browsers
 * that can be tricked this way; their state alone, single-use and 15 minutes long, is checked.
 */

import type { Context } from "hono";
import { cookieValue } from "../../platform/cookies";
import { EncryptionKeyError } from "../../platform/errors";
import { keyringFor } from "../../tenants/encryption";
import { publicOrigin } from "../../tenants/hooks";
import type { OAuthPurpose, TakenState } from "../../tenants/installations";
import { newOAuthState, STATE_PROBLEMS, takeOAuthState } from "../../tenants/oauth-state";
import type { AppEnv } from "../types";
import { type Page, redirectPage } from "./pages";

const PLATFORM_NAMES: Readonly<Record<OAuthPurpose, string>> = {
  slack: "Slack",
  discord: "Discord",
  github: "GitHub",
  linear: "Linear",
};

const platformName = (purpose: OAuthPurpose) => PLATFORM_NAMES[purpose];

const cookieName = (purpose: OAuthPurpose) => `foreman_${purpose}_state`;

/** Where platforms reach this deployment (FOREMAN_PUBLIC_URL or the request's origin). */
export function originOf(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return publicOrigin(c.env, url.origin) ?? url.origin;
}

export function hostnameOf(c: Context<AppEnv>): string {
  return new URL(c.req.url).hostname;
}

/** Sends the browser to `authorizeUrl(state)` with a state made for this install. */
export async function startInstall(
  c: Context<AppEnv>,
  purpose: OAuthPurpose,
  input: { tenant: string | null; invite?: string | null; createdBy: string | null; state?: string },
  authorizeUrl: (state: string) => string,
): Promise<Response> {
  const state =
    input.state ??
    (await newOAuthState(c.env, {
      purpose,
      tenant: input.tenant,
      invite: input.invite ?? null,
      createdBy: input.createdBy,
    }));
  const secure = new URL(c.req.url).protocol === "https:" ? "; Secure" : "";
  const cookie = `${cookieName(purpose)}=${state}; Path=/${purpose}/; Max-Age=900; HttpOnly; SameSite=Lax${secure}`;
  return redirectPage(authorizeUrl(state), `Add Foreman to ${platformName(purpose)}`, cookie);
}

/** The state of a redirect, taken (used up), or the page saying why the install cannot go on. */
export async function finishState(
  c: Context<AppEnv>,
  purpose: OAuthPurpose,
): Promise<{ ok: true; taken: TakenState } | { ok: false; page: Page }> {
  const state = c.req.query("state") ?? null;
  const again = startAgain(purpose);
  if (state !== null && c.req.header("Sec-Fetch-Site") !== undefined) {
    const cookie = cookieValue(c.req.header("Cookie") ?? null, cookieName(purpose));
    if (cookie !== state) {
      return {
        ok: false,
        page: {
          status: 400,
          title: "This install did not start in this browser",
          lines: [
            "Foreman only finishes an install in the browser that started it, so nobody can finish one for you.",
            "Start the install again from this browser.",
          ],
          ...again,
        },
      };
    }
  }
  const taken = await takeOAuthState(c.env, state, purpose);
  if (typeof taken === "string") {
    return {
      ok: false,
      page: {
        status: 400,
        title: "This install link cannot be used",
        lines: [STATE_PROBLEMS[taken]],
        ...again,
      },
    };
  }
  return { ok: true, taken };
}

/** As `finishState`, for installs that join an existing tenant (GitHub, Linear): the state must name one. */
export async function finishTenantState(
  c: Context<AppEnv>,
  purpose: OAuthPurpose,
): Promise<{ ok: true; tenant: string } | { ok: false; page: Page }> {
  const finished = await finishState(c, purpose);
  if (!finished.ok) return finished;
  const tenant = finished.taken.tenant;
  if (tenant !== null) return { ok: true, tenant };
  return {
    ok: false,
    page: { status: 400, title: "This install link has no team", lines: [], ...startAgain(purpose) },
  };
}

/**
 * The install would keep a token: without a usable encryption key, the page that says so (before
 * anyone is sent to the platform, and before anything is stored); null when the key is there.
 */
export async function missingKeyPage(c: Context<AppEnv>): Promise<Page | null> {
  try {
    await keyringFor(c.env, hostnameOf(c));
    return null;
  } catch (err) {
    if (!(err instanceof EncryptionKeyError)) throw err;
    return {
      status: 503,
      title: "Foreman cannot keep tokens safely here",
      lines: [
        "This Foreman has no encryption key (TOKEN_ENCRYPTION_KEY), so it cannot store an install's token and stored nothing. Whoever runs it must set one (docs/install.md).",
      ],
    };
  }
}

/** The platform sent the person back with an error (they cancelled, or the app is misconfigured). */
export function platformErrorPage(purpose: OAuthPurpose, error: string, description: string | null): Page {
  const cancelled = error === "access_denied";
  const name = platformName(purpose);
  return {
    status: 400,
    title: cancelled ? `Foreman was not added to ${name}` : `${name} could not finish the install`,
    lines: [
      cancelled
        ? `You cancelled on ${name}'s consent screen, so nothing was installed and nothing was stored.`
        : `${name} answered "${error}"${description ? ` (${description})` : ""}. Nothing was installed and nothing was stored.`,
      cancelled
        ? "To add Foreman, start again and choose Allow."
        : "Start again; if it happens again, the deployment's app settings may be wrong (docs/install.md).",
    ],
    ...startAgain(purpose),
  };
}

/** Slack installs start at /slack/install; the others from `/foreman setup` in chat (they join a tenant). */
function startAgain(purpose: OAuthPurpose): Pick<Page, "next" | "after"> {
  return purpose === "slack"
    ? { next: { href: "/slack/install", label: "Start again" } }
    : {
        after: `To start again, run /foreman setup in your team's chat and choose Connect ${platformName(purpose)}.`,
      };
}
