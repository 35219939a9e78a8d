/**
 * The fake GitHub as a GitHub App (part of test/helpers/fake-api-server.ts, set up per namespace with
 * `POST /__control/github-app`). Runs in Node; node:crypto is reached through `process.getBuiltinModule`
 * as in the server.
 *
 * - `POST /github/app/installations/{id}/access_tokens`: the `Authorization: Bearer <JWT>` must be RS256
 *   signed with the configured public key, `iss` the App ID, `exp` in the future and at most 10 minutes
 *   after `iat` (as GitHub checks). `iat` is not compared with the fake's clock, so tests may move their
 *   own clock forward. 201 `{ token: "ghs_<id>_<n>", expires_at }` (`tokenLifetimeSeconds`, default 1 h),
 *   401 / 404 in GitHub's error shape.
 * - `GET /github/app/installations/{id}` (JWT): the installation.
 * - `GET /github/installation/repositories` (an installation token): its repositories, paginated with
 *   `per_page` (default 30, at most 100), `page` and a `Link` header; 401 for an unknown token.
 * - `GET /github/orgs/{org}/teams/{team}/members`: the configured team's members (paginated as above),
 *   404 for a team not configured; `GET /github/users/{login}`: the configured user or a default one.
 */
import type { ScriptedResponse } from "./fake-api-server";

export interface FakeGitHubInstallation {
  id: number;
  account: { login: string; type: string };
  repos: string[];
  /** When it was installed (ISO); default: the moment it is asked for. */
  createdAt?: string;
}

/** The body of `POST /__control/github-app`. */
export interface FakeGitHubAppSetup {
  appId: number | string;
  publicKeyPem: string;
  installations: FakeGitHubInstallation[];
  /** `"org/team-slug"` -> member logins. */
  teams?: Record<string, string[]>;
  /** login -> the user's public name and e-mail. */
  users?: Record<string, { name?: string | null; email?: string | null }>;
  /** Lifetime of minted installation tokens (default 3600). */
  tokenLifetimeSeconds?: number;
}

export interface FakeGitHubApp {
  setup: FakeGitHubAppSetup;
  /** Minted token -> installation id. */
  tokens: Map<string, number>;
  minted: number;
}

interface NodeCrypto {
  verify(algorithm: string, data: Uint8Array, key: string, signature: Uint8Array): boolean;
}

const DOCS = "https://docs.github.com/rest";

export function fakeGitHubApp(setup: FakeGitHubAppSetup): FakeGitHubApp {
  return { setup, tokens: new Map(), minted: 0 };
}

/** The request as the App endpoints need it. */
export interface AppRequest {
  method: string;
  /** Path after the namespace prefix, e.g. `/github/installation/repositories`. */
  path: string;
  /** Where this namespace's `/github` is reached (for Link headers). */
  githubUrl: string;
  query: URLSearchParams;
  authorization: string;
}

/** The App endpoints' answer, or undefined for any other path (the platform default answers). */
export function gitHubAppResponse(app: FakeGitHubApp | null, req: AppRequest): ScriptedResponse | undefined {
  const { method, path } = req;
  const mint = /^\/github\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
  if (mint && method === "POST") return app ? accessToken(app, Number(mint[1]), req) : notConfigured();
  const inst = /^\/github\/app\/installations\/(\d+)$/.exec(path);
  if (inst && method === "GET") return app ? installation(app, Number(inst[1]), req) : notConfigured();
  if (path === "/github/installation/repositories" && method === "GET")
    return app ? installationRepos(app, req) : notConfigured();
  const team = /^\/github\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/.exec(path);
  if (team && method === "GET") {
    const key = `${decodeURIComponent(team[1] ?? "")}/${decodeURIComponent(team[2] ?? "")}`.toLowerCase();
    const members = Object.entries(app?.setup.teams ?? {}).find(([k]) => k.toLowerCase() === key)?.[1];
    if (members === undefined) return notFound();
    return paginated(
      members.map((login, i) => ({ login, id: 1000 + i, type: "User" })),
      req,
      (items) => items,
    );
  }
  const user = /^\/github\/users\/([^/]+)$/.exec(path);
  if (user && method === "GET") {
    const login = decodeURIComponent(user[1] ?? "");
    const known = app?.setup.users?.[login];
    return {
      body: { login, id: 4242, type: "User", name: known?.name ?? null, email: known?.email ?? null },
    };
  }
  return undefined;
}

function accessToken(app: FakeGitHubApp, id: number, req: AppRequest): ScriptedResponse {
  const jwtError = checkJwt(app, req.authorization);
  if (jwtError !== null) return unauthorized(jwtError);
  if (!app.setup.installations.some((i) => i.id === id)) return notFound();
  app.minted += 1;
  const token = `ghs_${id}_${app.minted}`;
  app.tokens.set(token, id);
  const lifetime = app.setup.tokenLifetimeSeconds ?? 3600;
  const expires_at = new Date(Date.now() + lifetime * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { status: 201, body: { token, expires_at, permissions: { pull_requests: "write" } } };
}

function installation(app: FakeGitHubApp, id: number, req: AppRequest): ScriptedResponse {
  const jwtError = checkJwt(app, req.authorization);
  if (jwtError !== null) return unauthorized(jwtError);
  const found = app.setup.installations.find((i) => i.id === id);
  if (!found) return notFound();
  return {
    body: {
      id,
      app_id: Number(app.setup.appId),
      account: { ...found.account, id: 9000 + id },
      repository_selection: "selected",
      target_type: found.account.type,
      created_at: found.createdAt ?? new Date().toISOString(),
    },
  };
}

function installationRepos(app: FakeGitHubApp, req: AppRequest): ScriptedResponse {
  const token = /^(?:bearer|token)\s+(\S+)$/i.exec(req.authorization)?.[1] ?? "";
  const id = app.tokens.get(token);
  const found = app.setup.installations.find((i) => i.id === id);
  if (!found) return unauthorized("Bad credentials");
  const repos = found.repos.map((fullName, i) => {
    const [owner = "", name = ""] = fullName.split("/");
    return { id: 500 + i, name, full_name: fullName, owner: { login: owner }, private: false };
  });
  return paginated(repos, req, (items, total) => ({
    total_count: total,
    repository_selection: "selected",
    repositories: items,
  }));
}

/** GitHub's pagination: `per_page` (default 30, at most 100), `page` from 1, and the `Link` header. */
function paginated<T>(
  all: T[],
  req: AppRequest,
  wrap: (items: T[], total: number) => unknown,
): ScriptedResponse {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page")) || 30));
  const page = Math.max(1, Number(req.query.get("page")) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const query = new URLSearchParams(req.query);
    query.set("per_page", String(perPage));
    query.set("page", String(p));
    return `<${req.githubUrl}${req.path.slice("/github".length)}?${query}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  const headers: Record<string, string> = links.length > 0 ? { link: links.join(", ") } : {};
  return { headers, body: wrap(items, all.length) };
}

/** Why the `Authorization` header is not a valid JWT of this App, or null when it is. */
function checkJwt(app: FakeGitHubApp, authorization: string): string | null {
  const jwt = /^bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const parts = jwt?.split(".") ?? [];
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || !signature) return "A JSON web token could not be decoded";
  const { process } = globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } };
  const crypto = process.getBuiltinModule("node:crypto") as NodeCrypto;
  const signed = new TextEncoder().encode(`${header}.${payload}`);
  let valid = false;
  try {
    valid = crypto.verify("sha256", signed, app.setup.publicKeyPem, base64url(signature));
  } catch {
    valid = false;
  }
  const head = parseJson(new TextDecoder().decode(base64url(header)));
  if (!valid || head?.alg !== "RS256") return "A JSON web token could not be decoded";
  const claims = parseJson(new TextDecoder().decode(base64url(payload)));
  if (claims === null || String(claims.iss) !== String(app.setup.appId))
    return "'Issuer' claim ('iss') must be an Integer";
  const { iat, exp } = claims;
  if (typeof iat !== "number" || typeof exp !== "number")
    return "'Issued at' claim ('iat') must be an Integer";
  if (exp <= iat || exp - iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
  if (exp <= Math.floor(Date.now() / 1000))
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  return null;
}

function base64url(text: string): Uint8Array {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function unauthorized(message: string): ScriptedResponse {
  return { status: 401, body: { message, documentation_url: DOCS, status: "401" } };
}

function notFound(): ScriptedResponse {
  return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
}

function notConfigured(): ScriptedResponse {
  return unauthorized("fake github: no GitHub App set up in this namespace (POST /__control/github-app)");
}
