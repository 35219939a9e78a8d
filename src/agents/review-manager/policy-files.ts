/**
 * Pushes (docs/policies.md, "Policy as code"): the paths each push touches are kept per branch (a PR's
 * changed files when GitHub cannot be read), and a push to the default branch that touches
 * `.foreman.yml` is read through the GitHub API, validated, and becomes a new version of the
 * repository's own policy. A file that does not validate leaves the last good version active; the
 * problem — line and field — goes to the repository's linked channels and, as a failing commit
 * status `foreman/policy`, to the commit.
 */

import { z } from "zod";
import { literal } from "../../chat/markup";
import type { ChannelRef } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { CODEOWNERS_PATHS } from "../../domain/codeowners";
import { formatPolicyIssues, POLICY_FILE, parsePolicyFile } from "../../domain/policy-file";
import { deliveryKey, ownerRepo } from "../../domain/pr-refs";
import type { Env } from "../../env";
import { errorMessage, unwrap } from "../../platform/errors";
import { type GitHubReader, readRepoFile } from "../../platform/github-read";
import { fnv1a64 } from "../../platform/ids";
import { filePolicyId } from "../../settings/policies";
import { settings } from "../../settings/stub";
import type { Work } from "./context";

const PushSchema = z.looseObject({
  kind: z.literal("repo.pushed"),
  repo: z.looseObject({ fullName: z.string().min(1) }),
  branch: z.string().nullable(),
  defaultBranch: z.string().nullable(),
  deleted: z.boolean(),
  after: z.string(),
  sender: z.string().nullable(),
  files: z.looseObject({
    added: z.array(z.string()),
    modified: z.array(z.string()),
    removed: z.array(z.string()),
  }),
});
export type Push = z.infer<typeof PushSchema>;

/** The push behind `github.repo.pushed`, or null. */
export function pushOf(name: string, data: unknown): Push | null {
  if (name !== "github.repo.pushed") return null;
  const parsed = PushSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** Keeps the paths the push touched for its branch (a deleted branch forgets them). */
export function notePush(work: Work, push: Push): void {
  if (!push.branch) return;
  const repo = push.repo.fullName.toLowerCase();
  if (push.deleted) {
    work.policies.forgetBranch(repo, push.branch);
    return;
  }
  const { added, modified, removed } = push.files;
  work.policies.notePush(repo, push.branch, [...added, ...modified, ...removed], work.nowMs);
}

/** What the push did to `.foreman.yml` on the default branch, if anything. */
export function policyFileChange(push: Push): "changed" | "removed" | null {
  if (!push.branch || push.deleted || push.branch !== push.defaultBranch) return null;
  const { added, modified, removed } = push.files;
  if ([...added, ...modified].includes(POLICY_FILE)) return "changed";
  return removed.includes(POLICY_FILE) ? "removed" : null;
}

/** The GitHub reader of this deployment, or null in demo mode (no token: Foreman never calls GitHub). */
export function githubReader(env: Env): GitHubReader | null {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) return null;
  return { baseUrl: env.GITHUB_API_URL || "https://api.github.com", token };
}

/** What came of a pushed `.foreman.yml`. */
export type FileOutcome =
  | { kind: "applied"; policyId: string; version: number; added: boolean }
  | { kind: "invalid"; policyId: string; activeVersion: number | null; problems: string }
  | { kind: "unread"; policyId: string; activeVersion: number | null; why: string }
  | { kind: "removed"; policyId: string; activeVersion: number | null };

/** Reads, validates and stores the pushed `.foreman.yml` (the async part, before the step that reports). */
export async function applyPolicyFile(env: Env, tenant: string, push: Push): Promise<FileOutcome | null> {
  const change = policyFileChange(push);
  if (!change) return null;
  const repo = push.repo.fullName.toLowerCase();
  const policyId = filePolicyId(repo, fnv1a64);
  const store = settings(env, tenant);
  const current = await store.policyVersion(policyId);
  const activeVersion = current.ok ? current.value.version : null;
  if (change === "removed") return removed(store, policyId, activeVersion);
  const reader = githubReader(env);
  if (!reader) {
    return {
      kind: "unread",
      policyId,
      activeVersion,
      why: "GitHub is not configured here (demo mode: no GITHUB_TOKEN), so Foreman cannot read it; its text can be sent as `file` to PUT /api/policies/{id}",
    };
  }
  let text: string | null;
  try {
    text = await readRepoFile(reader, repo, POLICY_FILE, push.after, 64 * 1024);
  } catch (err) {
    return { kind: "unread", policyId, activeVersion, why: errorMessage(err) };
  }
  if (text === null) return removed(store, policyId, activeVersion);
  const parsed = parsePolicyFile(text);
  if (!parsed.ok)
    return { kind: "invalid", policyId, activeVersion, problems: formatPolicyIssues(parsed.issues) };
  const by = push.sender ?? "github";
  const sourceRef = `${repo}@${push.after.slice(0, 12)}`;
  if (!current.ok) {
    const created = unwrap(
      await store.createPolicy({
        id: policyId,
        description: `${POLICY_FILE} in ${repo}`,
        policy: parsed.policy,
        by,
        source: "file",
        sourceRef,
        activate: false,
      }),
    );
    return { kind: "applied", policyId, version: created.version, added: true };
  }
  await store.retirePolicy(policyId, false);
  const { version, added } = unwrap(
    await store.addPolicyVersion({
      id: policyId,
      policy: parsed.policy,
      by,
      source: "file",
      sourceRef,
      activate: false,
      ifChanged: true,
    }),
  );
  return { kind: "applied", policyId, version: version.version, added };
}

/** The file is gone: the repository's policy stops deciding (the next valid push brings it back). */
async function removed(
  store: ReturnType<typeof settings>,
  policyId: string,
  activeVersion: number | null,
): Promise<FileOutcome> {
  if (activeVersion !== null) await store.retirePolicy(policyId, true);
  return { kind: "removed", policyId, activeVersion };
}

/** Tells the repository's linked channels and the commit what came of the file (one step, keyed once). */
export function reportPolicyFile(work: Work, push: Push, outcome: FileOutcome, channels: ChannelRef[]): void {
  const repo = push.repo.fullName.toLowerCase();
  const sha = push.after;
  const tag = `${repo}@${sha}`;
  const kept =
    "activeVersion" in outcome && outcome.activeVersion !== null
      ? `version ${outcome.activeVersion} of ${outcome.policyId} stays in force`
      : "the tenant's active policy keeps deciding this repository's PRs";
  let text: string;
  let state: "success" | "failure" | "error";
  let description: string;
  switch (outcome.kind) {
    case "applied":
      state = "success";
      description = outcome.added
        ? `Policy ${outcome.policyId} v${outcome.version} is in force`
        : "Policy unchanged";
      text = outcome.added
        ? `${literal(POLICY_FILE)} in ${literal(repo)} is valid: policy ${literal(outcome.policyId)} version ${outcome.version} now decides this repository's PRs.`
        : "";
      break;
    case "invalid":
      state = "failure";
      description = `${POLICY_FILE} is not valid: ${outcome.problems.split("\n")[0] ?? ""}`;
      text = `${literal(POLICY_FILE)} in ${literal(repo)} (${literal(sha.slice(0, 7))}) is not valid, so ${kept}:\n${literal(outcome.problems)}`;
      break;
    case "unread":
      state = "error";
      description = `${POLICY_FILE} was not read`;
      text = `${literal(POLICY_FILE)} in ${literal(repo)} changed but was not read (${literal(outcome.why)}), so ${kept}.`;
      break;
    case "removed":
      state = "success";
      description = `${POLICY_FILE} removed: the tenant's active policy decides`;
      text =
        outcome.activeVersion === null
          ? ""
          : `${literal(POLICY_FILE)} was removed from ${literal(repo)}: its policy ${literal(outcome.policyId)} no longer decides; the tenant's active policy does (a new valid file brings it back).`;
      break;
  }
  work.log(`${POLICY_FILE} in ${repo}@${sha.slice(0, 7)}: ${outcome.kind}`);
  if (outcome.kind !== "unread") {
    work.emit({
      kind: "github",
      action: "repos.createCommitStatus",
      body: {
        ...ownerRepo(repo),
        sha,
        state,
        context: "foreman/policy",
        description: description.slice(0, 140),
      },
      key: deliveryKey("gh:status", tag, "policy"),
    });
  }
  if (!text) return;
  const reply: Reply = {
    ephemeral: false,
    text,
    title: "Review policy",
    sections: [{ text }],
    buttons: [],
    tone: outcome.kind === "applied" ? "success" : "warning",
  };
  for (const channel of channels) {
    const key = deliveryKey(
      "rm",
      `policy-file:${tag}`,
      channel.platform,
      channel.workspaceId,
      channel.channelId,
    );
    work.emit({ kind: "channel", channel, reply, key });
  }
}

/** The repository's CODEOWNERS at `ref` (GitHub's places, in its order); "" when it has none. */
export async function readCodeowners(reader: GitHubReader, repo: string, ref: string): Promise<string> {
  for (const path of CODEOWNERS_PATHS) {
    const text = await readRepoFile(reader, repo, path, ref || "HEAD", 64 * 1024);
    if (text !== null) return text;
  }
  return "";
}
