/**
 * Security headers on what the Worker answers itself.
 *
 * - Every response: `X-Content-Type-Options: nosniff`; `Cache-Control: no-store` unless the route
 *   set its own (API answers carry tenant data and must not sit in shared caches).
 * - HTML (the install flows' pages, src/http/installs/pages.ts, and dashboard pages served through
 *   the Worker): the same set as public/_headers — CSP, `X-Frame-Options: DENY`,
 *   `Referrer-Policy: no-referrer`.
 *
 * Headers a response already has are kept. Static assets served by the assets router get theirs
 * from public/_headers; `withHtmlSecurityHeaders` covers assets fetched through the Worker
 * (src/index.ts).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types";

/** Mirrors public/_headers: the dashboard loads only its own scripts, styles and API. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const HTML_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

export const API_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
};

function isHtml(headers: Headers): boolean {
  return /^text\/html\b/i.test(headers.get("Content-Type") ?? "");
}

/** The headers `response` lacks from `wanted`, for a response of this type. */
function missing(headers: Headers, wanted: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(wanted).filter(([name]) => !headers.has(name));
}

/** The response with the headers it lacks (copied first when its headers are immutable). */
export function withHeaders(response: Response, wanted: Readonly<Record<string, string>>): Response {
  const add = missing(response.headers, wanted);
  if (add.length === 0) return response;
  try {
    for (const [name, value] of add) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (a response from fetch / ASSETS): copy it.
    const copy = new Response(response.body, response);
    for (const [name, value] of add) copy.headers.set(name, value);
    return copy;
  }
}

/** Adds the HTML security headers when the response is HTML and lacks them. */
export function withHtmlSecurityHeaders(response: Response): Response {
  return isHtml(response.headers) ? withHeaders(response, HTML_HEADERS) : response;
}

/** Global middleware: API headers on every response, the HTML set on HTML. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const wanted = isHtml(c.res.headers) ? { ...API_HEADERS, ...HTML_HEADERS } : API_HEADERS;
    const res = withHeaders(c.res, wanted);
    if (res !== c.res) c.res = res;
  };
}
