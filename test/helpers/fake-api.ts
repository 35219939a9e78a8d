/**
 * Test-side handle on the fake platform API server (test/helpers/fake-api-server.ts): each
 * `fakeApi(name)` gets its own namespace (`/t/{name}/...`), so scripts and request logs of tests
 * running in parallel do not mix.
 */
import { inject } from "vitest";
import type { Env } from "../../src/env";
import type { RecordedRequest, Script, ScriptedResponse } from "./fake-api-server";
import type { FakeGitHubAppSetup } from "./fake-github-app";

export type { RecordedRequest, ScriptedResponse } from "./fake-api-server";
export type { FakeGitHubAppSetup } from "./fake-github-app";

export const TEST_TOKENS = {
  SLACK_BOT_TOKEN: "xoxb-test-token",
  DISCORD_BOT_TOKEN: "discord-test-token",
  GITHUB_TOKEN: "ghp_testtoken",
  LINEAR_API_KEY: "lin_api_testkey",
} as const;

export interface FakeApi {
  readonly origin: string;
  /** Base URLs of the four platforms in this namespace (the Worker's `*_API_URL` vars). */
  readonly urls: Pick<Env, "SLACK_API_URL" | "DISCORD_API_URL" | "GITHUB_API_URL" | "LINEAR_API_URL">;
  /** A response URL (Slack interactions) served by the fake. */
  responseUrl(path: string): string;
  /** An env copy pointing at this namespace; `tokens: false` leaves every platform unconfigured. */
  env(base: Env, options?: { tokens?: boolean; extra?: Partial<Env> }): Env;
  script(
    match: string,
    responses: ScriptedResponse[],
    options?: { method?: string; persist?: boolean },
  ): Promise<void>;
  requests(pathPrefix?: string): Promise<RecordedRequest[]>;
  /** What Slack's `dnd.info` answers for `user` (its fields without `ok`); null: not in DND (the default). */
  slackDnd(user: string, status: Record<string, unknown> | null): Promise<void>;
  /** The fake GitHub plays this GitHub App in this namespace (test/helpers/fake-github-app.ts). */
  githubApp(setup: FakeGitHubAppSetup): Promise<void>;
  reset(): Promise<void>;
}

export function fakeApi(namespace: string): FakeApi {
  const origin = `http://127.0.0.1:${inject("fakeApiPort")}`;
  const root = `${origin}/t/${encodeURIComponent(namespace)}`;
  const urls = {
    SLACK_API_URL: `${root}/slack/api`,
    DISCORD_API_URL: `${root}/discord/api/v10`,
    GITHUB_API_URL: `${root}/github`,
    LINEAR_API_URL: `${root}/linear/graphql`,
  };
  const control = async (path: string, init?: RequestInit): Promise<unknown> => {
    const res = await fetch(`${root}/__control/${path}`, init);
    if (!res.ok) throw new Error(`fake api control ${path}: HTTP ${res.status}`);
    return res.json();
  };
  return {
    origin,
    urls,
    responseUrl: (path) => `${root}/slack/hooks/${path.replace(/^\/+/, "")}`,
    env(base, options = {}) {
      const tokens = options.tokens === false ? {} : TEST_TOKENS;
      const unset = { SLACK_BOT_TOKEN: undefined, DISCORD_BOT_TOKEN: undefined, GITHUB_TOKEN: undefined };
      return { ...base, ...unset, LINEAR_API_KEY: undefined, ...urls, ...tokens, ...options.extra };
    },
    async script(match, responses, options = {}) {
      const script: Script = { match, responses, ...options };
      await control("script", { method: "POST", body: JSON.stringify(script) });
    },
    async requests(pathPrefix = "") {
      const { requests } = (await control("requests")) as { requests: RecordedRequest[] };
      return requests.filter((r) => r.path.startsWith(pathPrefix));
    },
    async slackDnd(user, status) {
      await control("slack-dnd", { method: "POST", body: JSON.stringify({ user, status }) });
    },
    async githubApp(setup) {
      await control("github-app", { method: "POST", body: JSON.stringify(setup) });
    },
    async reset() {
      await control("reset", { method: "POST" });
    },
  };
}
