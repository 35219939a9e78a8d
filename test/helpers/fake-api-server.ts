/**
 * A real HTTP server (Node, started by test/global-setup.ts) that plays Slack, Discord, GitHub and
 * Linear for tests running in workerd.
 *
 * Platforms live under path prefixes: `/slack/api/{method}`, `/slack/hooks/...` (response URLs),
 * `/discord/api/v10/...`, `/github/...`, `/linear/graphql`. A test may prefix every path with
 * `/t/{namespace}` to get its own scripts and request log (tests run in parallel).
 *
 * Control endpoints (also under `/t/{namespace}`):
 * - `POST /__control/script` `{match, method?, responses: [{status?, headers?, body?, destroy?, delayMs?}], persist?}`:
 *   the next requests whose path starts with `match` get these responses in order (`persist`: the
 *   last one repeats forever); then the platform default answers again. `delayMs` holds the answer
 *   (or the dropped connection) back that long: a slow or hung platform, for client timeouts.
 * - `GET /__control/requests`: `{requests: [{method, path, query, headers, body, json, answered}]}`.
 * - `POST /__control/slack-dnd` `{user, status}`: what Slack's `dnd.info` answers for `user` (the
 *   `dnd.info` fields without `ok`; `status: null` forgets it). Unset users are not in Do Not Disturb.
 * - `POST /__control/github-app` `{appId, publicKeyPem, installations: [{id, account: {login, type}, repos:
 *   ["owner/repo", ...]}], teams?: {"org/team": [login, ...]}, users?: {login: {name?, email?}},
 *   tokenLifetimeSeconds?}`: the fake GitHub plays this GitHub App (test/helpers/fake-github-app.ts):
 *   `POST /github/app/installations/{id}/access_tokens` checks the App's JWT (RS256 with `publicKeyPem`,
 *   `iss` = `appId`, `exp` sane) and mints `ghs_<id>_<n>`; `GET /github/app/installations/{id}` (JWT);
 *   `GET /github/installation/repositories` answers the repositories of the token's installation (401
 *   for an unknown token), paginated (`per_page`, `page`, `Link`); `GET /github/orgs/{org}/teams/{team}/members`
 *   (404 for a team not set up) and `GET /github/users/{login}` (a default user). Scripts still come first.
 * - `POST /__control/reset`: forget scripts, requests, DND states and the GitHub App.
 *
 * Unscripted, Discord's `POST /users/@me/channels` `{recipient_id}` opens a DM channel whose id
 * depends only on the recipient (`dmChannelIdOf`), as Discord answers the same channel again.
 *
 * Node built-ins are reached through `process.getBuiltinModule` with the few types declared below,
 * because the project's TypeScript setup has Workers types only (no @types/node).
 */

import {
  type FakeGitHubApp,
  type FakeGitHubAppSetup,
  fakeGitHubApp,
  gitHubAppResponse,
} from "./fake-github-app";

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Object -> JSON; string -> text as is. */
  body?: unknown;
  /** Drop the connection without answering (a network error for the client). */
  destroy?: boolean;
  /** Wait this long before answering (or dropping the connection). */
  delayMs?: number;
}

export interface Script {
  match: string;
  method?: string;
  responses: ScriptedResponse[];
  persist?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
  /** The status the fake answered with; null when it dropped the connection. */
  answered: number | null;
}

interface IncomingMessage extends AsyncIterable<Uint8Array> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}
interface ServerResponse {
  writeHead(status: number, headers: Record<string, string>): void;
  end(body?: string): void;
  destroy(): void;
}
interface Server {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number } | string | null;
  close(callback: (err?: Error) => void): void;
  closeAllConnections(): void;
}
interface NodeHttp {
  createServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server;
}

interface Namespace {
  scripts: Script[];
  requests: RecordedRequest[];
  /** Slack user id -> the `dnd.info` fields answered for them. */
  slackDnd: Map<string, Record<string, unknown>>;
  /** The GitHub App the fake GitHub plays (`/__control/github-app`), if any. */
  githubApp: FakeGitHubApp | null;
}

export interface FakeApiServer {
  port: number;
  close(): Promise<void>;
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const { process } = globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } };
  const http = process.getBuiltinModule("node:http") as NodeHttp;
  const namespaces = new Map<string, Namespace>();
  const ns = (name: string): Namespace => {
    let found = namespaces.get(name);
    if (!found) {
      found = { scripts: [], requests: [], slackDnd: new Map(), githubApp: null };
      namespaces.set(name, found);
    }
    return found;
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      reply(res, { status: 500, body: { message: `fake api error: ${String(err)}` } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const scoped = /^\/t\/([^/]+)(\/.*)$/.exec(url.pathname);
    const space = ns(scoped?.[1] ?? "default");
    const path = scoped?.[2] ?? url.pathname;
    const method = (req.method ?? "GET").toUpperCase();
    let body = "";
    const decoder = new TextDecoder();
    for await (const chunk of req) body += decoder.decode(chunk, { stream: true });
    body += decoder.decode();

    if (path.startsWith("/__control/")) {
      control(path, method, body, space, res);
      return;
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
    const json = parseJson(body);
    const recorded: RecordedRequest = {
      method,
      path,
      query: url.search,
      headers,
      body,
      json,
      answered: null,
    };
    space.requests.push(recorded);

    const script = space.scripts.find((s) => path.startsWith(s.match) && (!s.method || s.method === method));
    let next: ScriptedResponse | undefined;
    if (script) {
      next = script.responses.length > 1 || !script.persist ? script.responses.shift() : script.responses[0];
      if (script.responses.length === 0) space.scripts.splice(space.scripts.indexOf(script), 1);
    }
    const prefix = scoped ? `/t/${scoped[1]}` : "";
    const appRequest = {
      method,
      path,
      githubUrl: `http://${headers.host ?? "127.0.0.1"}${prefix}/github`,
      query: url.searchParams,
      authorization: headers.authorization ?? "",
    };
    const response =
      next ??
      slackDndInfo(space, path, url, body, json) ??
      gitHubAppResponse(space.githubApp, appRequest) ??
      defaultResponse(path, method, json);
    recorded.answered = response.destroy ? null : (response.status ?? 200);
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    reply(res, response);
  }

  function control(path: string, method: string, body: string, space: Namespace, res: ServerResponse): void {
    if (path === "/__control/script" && method === "POST") {
      const script = parseJson(body) as Script;
      space.scripts.push({ ...script, responses: [...script.responses] });
      reply(res, { status: 200, body: { ok: true } });
      return;
    }
    if (path === "/__control/requests" && method === "GET") {
      reply(res, { status: 200, body: { requests: space.requests } });
      return;
    }
    if (path === "/__control/slack-dnd" && method === "POST") {
      const { user, status } = parseJson(body) as { user: string; status: Record<string, unknown> | null };
      if (status === null) space.slackDnd.delete(user);
      else space.slackDnd.set(user, status);
      reply(res, { status: 200, body: { ok: true } });
      return;
    }
    if (path === "/__control/github-app" && method === "POST") {
      space.githubApp = fakeGitHubApp(parseJson(body) as FakeGitHubAppSetup);
      reply(res, { status: 200, body: { ok: true } });
      return;
    }
    if (path === "/__control/reset" && method === "POST") {
      space.githubApp = null;
      space.scripts = [];
      space.requests = [];
      space.slackDnd.clear();
      reply(res, { status: 200, body: { ok: true } });
      return;
    }
    reply(res, { status: 404, body: { message: "unknown control endpoint" } });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake api: no port");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** What each platform answers when no script applies. */
function defaultResponse(path: string, method: string, json: unknown): ScriptedResponse {
  if (path.startsWith("/slack/api/"))
    return { body: { ok: true, channel: "C0TEST", ts: "1700000000.000100" } };
  if (path.startsWith("/slack/hooks/")) return { headers: { "content-type": "text/plain" }, body: "ok" };
  if (path === "/discord/api/v10/users/@me/channels" && method === "POST") return discordDmChannel(json);
  if (path.startsWith("/discord/api/v10/")) {
    return method === "DELETE" ? { status: 204 } : { body: { id: "1100000000000000001" } };
  }
  if (path.startsWith("/github/"))
    return method === "DELETE" ? { status: 200, body: {} } : { status: 201, body: { id: 1 } };
  if (path.startsWith("/linear/graphql")) {
    const query = isRecord(json) && typeof json.query === "string" ? json.query : "";
    const field = /\)\s*\{\s*(\w+)/.exec(query)?.[1] ?? "result";
    return { body: { data: { [field]: { success: true } } } };
  }
  return { status: 404, body: { message: `fake api: no route for ${method} ${path}` } };
}

/** Slack's `dnd.info` (`user` in the query, a form body or JSON): the state set for them, else not in DND. */
function slackDndInfo(
  space: Namespace,
  path: string,
  url: URL,
  body: string,
  json: unknown,
): ScriptedResponse | undefined {
  if (path !== "/slack/api/dnd.info") return undefined;
  const user =
    url.searchParams.get("user") ??
    new URLSearchParams(body).get("user") ??
    (isRecord(json) && typeof json.user === "string" ? json.user : "");
  const status = space.slackDnd.get(user) ?? NOT_IN_DND;
  return { body: { ok: true, ...status } };
}

/** `dnd.info` of a user without a Do Not Disturb schedule. */
const NOT_IN_DND = { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1 };

/** The fake's DM channel id for a Discord user: a snowflake-shaped number that depends only on them. */
export function dmChannelIdOf(recipientId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < recipientId.length; i++) h = Math.imul(h ^ recipientId.charCodeAt(i), 0x01000193) >>> 0;
  return `14${String(h).padStart(10, "0")}0000000`;
}

/** Discord's Create DM: the DM channel object (type 1) with the recipient. */
function discordDmChannel(json: unknown): ScriptedResponse {
  const recipient = isRecord(json) ? json.recipient_id : undefined;
  if (typeof recipient !== "string" || recipient === "") {
    return { status: 400, body: { message: "Invalid Form Body", code: 50035 } };
  }
  return {
    body: {
      id: dmChannelIdOf(recipient),
      type: 1,
      last_message_id: null,
      recipients: [{ id: recipient, username: `user${recipient}`, discriminator: "0" }],
    },
  };
}

function reply(res: ServerResponse, r: ScriptedResponse): void {
  if (r.destroy) {
    res.destroy();
    return;
  }
  const status = r.status ?? 200;
  const text = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
  if (!hasType && r.body !== undefined && typeof r.body !== "string")
    headers["content-type"] = "application/json";
  res.writeHead(status, headers);
  res.end(status === 204 ? undefined : text);
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
