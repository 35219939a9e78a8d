/**
 * Reads from GitHub's REST API: a pull request's changed files and a file's content at a commit.
 * Against any base URL (a local fake in tests and demos), with a token when one is configured and
 * without otherwise (public repositories answer anonymous reads). Bounded: a timeout per request and
 * at most `MAX_PAGES` pages.
 */

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

function headers(r: GitHubReader, accept: string): Record<string, string> {
  const h: Record<string, string> = {
    Accept: accept,
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "foreman-bot",
  };
  if (r.token) h.Authorization = `Bearer ${r.token}`;
  return h;
}

async function get(r: GitHubReader, path: string, accept: string): Promise<Response> {
  const url = `${r.baseUrl.replace(/\/+$/, "")}${path}`;
  try {
    return await (r.fetch ?? fetch)(url, {
      headers: headers(r, accept),
      signal: AbortSignal.timeout(r.timeoutMs ?? 5_000),
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new GitHubReadError(`GitHub could not be reached (${why})`, null);
  }
}

const repoPath = (repo: string) =>
  repo
    .split("/")
    .map((p) => encodeURIComponent(p))
    .join("/");

/** The paths a pull request changes (renames give the new path), up to 3,000 as GitHub lists. */
export async function listPullFiles(r: GitHubReader, repo: string, number: number): Promise<string[]> {
  const files: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await get(
      r,
      `/repos/${repoPath(repo)}/pulls/${number}/files?per_page=${PER_PAGE}&page=${page}`,
      "application/vnd.github+json",
    );
    if (!res.ok)
      throw new GitHubReadError(`GitHub answered ${res.status} listing the PR's files`, res.status);
    const body: unknown = await res.json().catch(() => null);
    if (!Array.isArray(body))
      throw new GitHubReadError("GitHub's list of the PR's files was not a list", res.status);
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
  const encoded = path
    .split("/")
    .map((p) => encodeURIComponent(p))
    .join("/");
  const res = await get(
    r,
    `/repos/${repoPath(repo)}/contents/${encoded}?ref=${encodeURIComponent(ref)}`,
    "application/vnd.github.raw+json",
  );
  if (res.status === 404) return null;
  if (!res.ok) throw new GitHubReadError(`GitHub answered ${res.status} reading ${path}`, res.status);
  const text = await res.text();
  if (new TextEncoder().encode(text).byteLength > maxBytes) {
    throw new GitHubReadError(`${path} is larger than ${maxBytes} bytes`, res.status);
  }
  return text;
}
