/** The platform GitHub reader over octokit, against the fake GitHub. */
import { describe, expect, it } from "vitest";
import { GitHubReadError, listPullFiles, readRepoFile } from "../../src/platform/github-read";
import { fakeApi } from "../helpers/fake-api";

describe("github-read", () => {
  it("lists a PR's files page by page, at most 30 pages, with the token as Bearer", async () => {
    const api = fakeApi("gh-read-files");
    const page = Array.from({ length: 100 }, (_, i) => ({ filename: `src/f${i}.ts` }));
    await api.script("/github/repos/acme/web/pulls/3/files", [{ body: page }], { persist: true });
    const files = await listPullFiles(
      { baseUrl: `${api.urls.GITHUB_API_URL}`, token: "ghp_read" },
      "acme/web",
      3,
    );
    expect(files).toHaveLength(3_000);
    const requests = await api.requests("/github/repos/acme/web/pulls/3/files");
    expect(requests).toHaveLength(30);
    expect(requests[0]?.headers.authorization).toBe("Bearer ghp_read");
    expect(requests[29]?.query).toContain("page=30");
  });

  it("reads a file's text anonymously; 404 is null; too large or a 5xx is a GitHubReadError", async () => {
    const api = fakeApi("gh-read-file");
    const path = "/github/repos/acme/web/contents/docs/a%20b.md";
    await api.script(path, [
      { body: "# hello", headers: { "content-type": "application/vnd.github.raw+json; charset=utf-8" } },
      { status: 404, body: { message: "Not Found" } },
      { body: "x".repeat(20) },
      { status: 502, body: { message: "bad gateway" } },
    ]);
    const reader = { baseUrl: `${api.urls.GITHUB_API_URL}` };
    expect(await readRepoFile(reader, "acme/web", "docs/a b.md", "main", 100)).toBe("# hello");
    expect(await readRepoFile(reader, "acme/web", "docs/a b.md", "main", 100)).toBeNull();
    await expect(readRepoFile(reader, "acme/web", "docs/a b.md", "main", 10)).rejects.toBeInstanceOf(
      GitHubReadError,
    );
    await expect(readRepoFile(reader, "acme/web", "docs/a b.md", "main", 100)).rejects.toMatchObject({
      status: 502,
    });
    const [first] = await api.requests(path);
    expect(first?.headers.authorization).toBeUndefined();
    expect(first?.headers.accept).toBe("application/vnd.github.raw+json");
    expect(first?.query).toBe("?ref=main");
  });
});
