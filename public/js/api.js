// The dashboard's API client: the key from sessionStorage as a Bearer token, the tenant (bootstrap
// key only) as X-Foreman-Tenant; with no key, the HttpOnly session cookie a chat sign-in link set
// (`/foreman dashboard`) goes along instead. Failures reject with an ApiError carrying the API's own message.
import { errorBox, showError } from "./dom.js";

const KEY_STORAGE = "foreman.apiKey";
const TENANT_STORAGE = "foreman.tenant";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export function tenant() {
  return sessionStorage.getItem(TENANT_STORAGE) ?? "";
}

export function setStoredTenant(value) {
  if (value) sessionStorage.setItem(TENANT_STORAGE, value);
  else sessionStorage.removeItem(TENANT_STORAGE);
}

/**
 * Call the API with the stored key (and tenant); resolves with the JSON body.
 * @param {"GET" | "POST"} method
 * @param {string} path
 * @param {unknown} [body] sent as JSON when given
 */
export async function api(method, path, body) {
  const headers = new Headers({ Accept: "application/json" });
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers.set("Content-Type", "application/json");
    init.body = JSON.stringify(body);
  }
  const key = apiKey();
  if (key) headers.set("Authorization", `Bearer ${key}`);
  const t = tenant();
  if (t) headers.set("X-Foreman-Tenant", t);
  let res;
  try {
    res = await fetch(path, /** @type {RequestInit} */ (init));
  } catch (err) {
    throw new ApiError(
      0,
      "network",
      `Network error calling ${path}: ${err instanceof Error ? err.message : err}`,
    );
  }
  const raw = await res.text();
  let answer = null;
  try {
    answer = raw ? JSON.parse(raw) : null;
  } catch {
    answer = null;
  }
  if (!res.ok) {
    const error = answer && typeof answer === "object" ? answer.error : undefined;
    const message =
      error && typeof error.message === "string"
        ? error.message
        : `${res.status} ${res.statusText || "error"}`;
    const code = error && typeof error.code === "string" ? error.code : "http";
    throw new ApiError(res.status, code, `${method} ${path} failed (${res.status}): ${message}`);
  }
  return answer;
}

/** A note (no secret: the cookie is HttpOnly) that this browser has a chat sign-in session. */
const SESSION_NOTE = "foreman.session";

/**
 * The chat sign-in session the cookie carries ({ tenant, role, actor, expiresAt }), or null. Asked
 * only just after a sign-in link (`/#session`) or when an earlier one was noted, so that visits with
 * an API key do not log a 401.
 */
export async function currentSession() {
  const justSignedIn = location.hash === "#session";
  if (justSignedIn) history.replaceState(null, "", location.pathname + location.search);
  if (apiKey() || !(justSignedIn || localStorage.getItem(SESSION_NOTE))) return null;
  try {
    const session = await api("GET", "/api/sessions/me");
    localStorage.setItem(SESSION_NOTE, "1");
    return session;
  } catch {
    localStorage.removeItem(SESSION_NOTE);
    return null;
  }
}

/** Ends the cookie session on the server (and clears the cookie); failures are ignored. */
export async function endSession() {
  localStorage.removeItem(SESSION_NOTE);
  await fetch("/api/sessions/logout", { method: "POST", credentials: "same-origin" }).catch(() => {});
}

let onUnauthorized = () => {};

/** What a 401 does (the key is not valid): set by the app (signs out). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * Run an action; a failure is shown in `place` (in the panel) when given, else in the banner.
 * A 401 also signs out. Resolves true when the action succeeded.
 * @param {() => Promise<void>} action
 * @param {HTMLElement} [place]
 */
export async function guarded(action, place) {
  try {
    await action();
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (place) {
      place.replaceChildren(errorBox(message));
      place.hidden = false;
    } else {
      showError(message);
    }
    if (err instanceof ApiError && err.status === 401) onUnauthorized(message);
    return false;
  }
}
