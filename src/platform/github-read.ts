/**
 * Reads from GitHub's REST API through `@octokit/rest`: a pull request's changed files and a file's
 * content at a commit. Against any base URL (a local fake in tests and demos), with a token when one is
 * configured and without otherwise (public repositories answer anonymous reads). Bounded: a timeout
 * per request and at most `MAX_PAGES` pages. Octokit runs bare (no retry or throttling plugins).
 */
import { Octokit } from "@octokit/rest";

export interface GitHubReader {
  baseUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class GitHubReadError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "GitHubReadError";
  }
}

const MAX_PAGES = 30;
const PER_PAGE = 100;

/** Octokit over the reader: its fetch, base URL, token (Bearer) and a timeout on each request. */
function octokitOf(r: GitHubReader): Octokit {
  const fetchFn = r.fetch ?? fetch;
  const octokit = new Octokit({
    baseUrl: r.baseUrl.replace(/\/+$/, ""),
    userAgent: "foreman-bot",
    request: { fetch: (url: string, init?: RequestInit) => fetchFn(url, init) },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const timeoutMs = r.timeoutMs ?? 5_000;
  octokit.hook.before("request", (req) => {
    const auth = r.token ? { authorization: `Bearer ${r.token}` } : {};
    req.headers = { ...req.headers, "x-github-api-version": "2022-11-28", ...auth };
    req.request = { ...req.request, signal: AbortSignal.timeout(timeoutMs) };
  });
  return octokit;
}

/** What octokit threw: GitHub's status when it answered, null when it could not be reached. */
function answeredStatus(err: unknown): number | null {
  if (!(err instanceof Error) || !("response" in err)) return null;
  const response = err.response;
  return typeof response === "object" &&
    response !== null &&
    "status" in response &&
    typeof response.status === "number"
    ? response.status
    : null;
}

function unreachable(err: unknown): GitHubReadError {
  const why = err instanceof Error ? err.message : String(err);
  return new GitHubReadError(`GitHub could not be reached (${why})`, null);
}

function ownerAndName(repo: string): { owner: string; repo: string } {
  const slash = repo.indexOf("/");
  return { owner: repo.slice(0, slash), repo: repo.slice(slash + 1) };
}

/** The paths a pull request changes (renames give the new path), up to 3,000 as GitHub lists. */
export async function listPullFiles(r: GitHubReader, repo: string, number: number): Promise<string[]> {
  const octokit = octokitOf(r);
  const files: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    let body: unknown;
    try {
      const res = await octokit.rest.pulls.listFiles({
        ...ownerAndName(repo),
        pull_number: number,
        per_page: PER_PAGE,
        page,
      });
      body = res.data;
    } catch (err) {
      const status = answeredStatus(err);
      if (status === null) throw unreachable(err);
      throw new GitHubReadError(`GitHub answered ${status} listing the PR's files`, status);
    }
    if (!Array.isArray(body))
      throw new GitHubReadError("GitHub's list of the PR's files was not a list", 200);
    for (const f of body) {
      if (f && typeof f === "object" && "filename" in f && typeof f.filename === "string")
        files.push(f.filename);
    }
    if (body.length < PER_PAGE) break;
  }
  return files;
}

/** A file's text at `ref`, or null when it does not exist there. */
export async function readRepoFile(
  r: GitHubReader,
  repo: string,
  path: string,
  ref: string,
  maxBytes: number,
): Promise<string | null> {
  // `{+path}` keeps the slashes between the (each encoded) segments, as GitHub shows paths.
  const encoded = path
    .split("/")
    .map((p) => encodeURIComponent(p))
    .join("/");
  let res: { status: number; data: unknown };
  try {
    res = await octokitOf(r).request("GET /repos/{owner}/{repo}/contents/{+path}", {
      ...ownerAndName(repo),
      path: encoded,
      ref,
      headers: { accept: "application/vnd.github.raw+json" },
      request: { parseSuccessResponseBody: false },
    });
  } catch (err) {
    const status = answeredStatus(err);
    if (status === null) throw unreachable(err);
    if (status === 404) return null;
    throw new GitHubReadError(`GitHub answered ${status} reading ${path}`, status);
  }
  const text = await new Response(res.data instanceof ReadableStream ? res.data : null).text();
  if (new TextEncoder().encode(text).byteLength > maxBytes) {
    throw new GitHubReadError(`${path} is larger than ${maxBytes} bytes`, res.status);
  }
  return text;
}
