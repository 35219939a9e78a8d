/**
 * The web dashboard (public/: index.html, app.js and its modules in public/js) is served as static
 * assets with its security headers
 * (public/_headers), and the API keeps answering under /api.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const BASE = "http://foreman.test";
const MODULES = [
  "/app.js",
  "/js/api.js",
  "/js/dom.js",
  "/js/operations.js",
  "/js/reviews.js",
  "/js/digests.js",
  "/js/charts.js",
  "/js/installs.js",
  "/js/team.js",
  "/js/overview.js",
  "/js/live.js",
  "/js/time.js",
  "/js/render-chat.js",
  "/js/policies.js",
  "/js/admin.js",
  "/js/me.js",
  "/js/simulate.js",
];
/** Modules only other modules import (not app.js): time.js (by dom.js and others), render-chat.js (by operations.js). */
const NESTED = new Set(["/js/time.js", "/js/render-chat.js"]);
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get("Content-Security-Policy")).toBe(CSP);
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
}

describe("dashboard assets", () => {
  it("GET / through the Worker answers the dashboard HTML with the security headers", async () => {
    const res = await exports.default.fetch(new Request(`${BASE}/`));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expectSecurityHeaders(res);
    const html = await res.text();
    expect(html).toContain("<title>Foreman dashboard</title>");
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/app.css" />');
    expect(html).toContain('<link rel="stylesheet" href="/panels.css" />');
    expect(html).toContain('<link rel="stylesheet" href="/team-deliveries.css" />');
    expect(html).toContain('<link rel="stylesheet" href="/overview.css" />');
    expect(html).toContain('<link rel="stylesheet" href="/policies.css" />');
    // The Overview is the landing view: its tab is pressed and its section shown.
    expect(html).toContain('data-view="overview" aria-pressed="true"');
    expect(html).toMatch(/id="view-workflows"[^>]*hidden/);
    // No inline script or style: the CSP would block them.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html).toMatch(/id="banner"[^>]*aria-live="assertive"/);
    for (const view of [
      "overview",
      "workflows",
      "agents",
      "reviews",
      "digests",
      "charts",
      "team",
      "deliveries",
      "installs",
      "policies",
      "keys",
      "audit",
    ]) {
      expect(html).toContain(`data-view="${view}"`);
      expect(html).toContain(`id="view-${view}"`);
    }
    // The operator console is one click away under Admin, with its own sub-navigation.
    expect(html).toContain('data-view="admin"');
    expect(html).toMatch(/<nav id="admin-nav"[^>]*aria-label="Admin"[^>]*hidden/);
  });

  it("GET / from the ASSETS binding carries the same headers", async () => {
    const res = await env.ASSETS.fetch(`${BASE}/`);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  it("serves the app's modules and app.css with their content types", async () => {
    const sources: Record<string, string> = {};
    for (const path of MODULES) {
      const js = await exports.default.fetch(new Request(`${BASE}${path}`));
      expect(js.status, path).toBe(200);
      expect(js.headers.get("Content-Type"), path).toMatch(/javascript/);
      expect(js.headers.get("X-Content-Type-Options")).toBe("nosniff");
      sources[path] = await js.text();
      // API text only ever reaches the page through textContent / text nodes.
      expect(sources[path], path).not.toMatch(
        /\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/,
      );
      // No inline styles through attributes (the CSP has no 'unsafe-inline'); CSSOM is fine.
      expect(sources[path], path).not.toMatch(
        /setAttribute\(\s*["']style|\.cssText\s*=|\seval\(|new Function\(/,
      );
    }
    expect(sources["/js/api.js"]).toContain("X-Foreman-Tenant");
    // Every module app.js imports, at once or when its view is first shown, is served (a missing one
    // would break the page).
    const imports = new Set(
      [...(sources["/app.js"] ?? "").matchAll(/(?:from |path: )"\.(\/js\/[a-z-]+\.js)"/g)].map((m) => m[1]),
    );
    expect([...imports].sort()).toEqual(MODULES.filter((m) => m !== "/app.js" && !NESTED.has(m)).sort());
    expect(sources["/js/dom.js"]).toContain('from "./time.js"');
    expect(sources["/js/charts.js"]).toContain("/api/metrics/reviews?weeks=");
    expect(sources["/js/operations.js"]).toContain('from "./render-chat.js"');

    const css = await exports.default.fetch(new Request(`${BASE}/app.css`));
    expect(css.status).toBe(200);
    expect(css.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(await css.text()).toContain("@media (min-width: 720px)");
    const panels = await exports.default.fetch(new Request(`${BASE}/panels.css`));
    expect(panels.status).toBe(200);
    expect(panels.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(await panels.text()).toContain(".sla-breached");
    const overview = await exports.default.fetch(new Request(`${BASE}/overview.css`));
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain(".ov-figure");
    const policies = await exports.default.fetch(new Request(`${BASE}/policies.css`));
    expect(policies.status).toBe(200);
    expect(policies.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(await policies.text()).toContain(".subnav");
    expect(sources["/js/policies.js"]).toContain("/api/experiments/");
    expect(sources["/js/admin.js"]).toContain("/api/audit?limit=");
  });

  it("does not serve _headers itself", async () => {
    const res = await exports.default.fetch(new Request(`${BASE}/_headers`));
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });
});

describe("the API still answers under /api", () => {
  it("GET /api/health is the Worker's JSON, not an asset", async () => {
    const res = await exports.default.fetch(new Request(`${BASE}/api/health`));
    expect([200, 503]).toContain(res.status);
    expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
    expect(res.headers.get("X-Correlation-Id")).toBeTruthy();
    const body = (await res.json()) as { status?: unknown };
    expect(body.status).toBeTypeOf("string");
  });

  it("GET /api/workflows needs a key and answers with the key", async () => {
    const anon = await exports.default.fetch(new Request(`${BASE}/api/workflows`));
    expect(anon.status).toBe(401);
    const err = (await anon.json()) as { error: { code: string } };
    expect(err.error.code).toBe("unauthorized");

    const res = await exports.default.fetch(
      new Request(`${BASE}/api/workflows`, { headers: { Authorization: "Bearer test-admin-key" } }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workflows: unknown[] };
    expect(Array.isArray(body.workflows)).toBe(true);
  });

  it("an unknown /api route is the API's 404, not the dashboard", async () => {
    const res = await exports.default.fetch(
      new Request(`${BASE}/api/nope`, { headers: { Authorization: "Bearer test-admin-key" } }),
    );
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Security-Policy")).toBeNull();
    const err = (await res.json()) as { error: { code: string } };
    expect(err.error.code).toBe("not_found");
  });
});
