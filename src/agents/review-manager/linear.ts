/**
 * The Linear issues a PR links, for its card and queue line: asked of the tenant's linear-state
 * agent (`issuesForPr`), else (it has not linked the PR yet: both agents get the same webhook) the
 * keys in the PR's branch, title and body, without a state. Only the keys of Linear teams linked to
 * the tenant's channels count; with none linked, nothing is looked up and no Linear line is shown.
 * Never throws and never waits long: a failed or slow lookup logs a warning and shows no Linear line.
 */
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import { errorMessage, unwrap } from "../../platform/errors";
import { linkedTargets } from "../../settings/model";
import { settings } from "../../settings/stub";
import { coordinator } from "../coordinator/stub";
import { linearStateAgent } from "../linear-state";
import { fromKeys, fromLinks, type LinearIssueLine } from "./model/linear";

/** How long a card waits for the lookup before it is sent without the Linear line. */
const LOOKUP_TIMEOUT_MS = 3_000;

export interface LinearPr {
  repo: string;
  number: number;
  headRef: string;
  title: string;
  body?: string | null;
}

/** The tenant's standing linear-state agent and the Linear team keys linked to its channels. */
interface LinearSource {
  agentId: string;
  teamKeys: string[];
}

async function source(env: Env, tenant: string, correlationId: string): Promise<LinearSource> {
  const [standing, links] = await Promise.all([
    coordinator(env, tenant).standingAgents(tenant, { correlationId, actor: "review-manager" }),
    settings(env, tenant).links(),
  ]);
  return {
    agentId: unwrap(standing)["linear-state"],
    teamKeys: linkedTargets(links, "linear"),
  };
}

async function lookup(env: Env, src: LinearSource, pr: LinearPr): Promise<LinearIssueLine[]> {
  const linked = await linearStateAgent(env, src.agentId).issuesForPr(pr.repo, pr.number);
  const shown = fromLinks(linked, src.teamKeys);
  if (shown.length > 0) return shown;
  return fromKeys({ branch: pr.headRef, title: pr.title, body: pr.body ?? null }, src.teamKeys);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const log = logger("review-manager.linear");

function warn(what: string, err: unknown, fields: { tenant: string; correlationId: string }): void {
  const error = errorMessage(err);
  log.warn(`linear issues unavailable for ${what}`, { ...fields, error });
}

/** The Linear issues of `prs` (same order); an empty list for each PR whose lookup failed. */
export async function linearIssues(
  env: Env,
  tenant: string,
  prs: readonly LinearPr[],
  correlationId: string,
): Promise<LinearIssueLine[][]> {
  if (prs.length === 0) return [];
  const run = async () => {
    const src = await source(env, tenant, correlationId);
    // No Linear team linked: the tenant does not use Linear, so no Linear line (and no lookup).
    if (src.teamKeys.length === 0) return prs.map((): LinearIssueLine[] => []);
    return Promise.all(
      prs.map(async (pr) => {
        try {
          return await lookup(env, src, pr);
        } catch (err) {
          warn(`${pr.repo}#${pr.number}`, err, { tenant, correlationId });
          return [];
        }
      }),
    );
  };
  try {
    return await withTimeout(run(), LOOKUP_TIMEOUT_MS);
  } catch (err) {
    warn(tenant, err, { tenant, correlationId });
    return prs.map(() => []);
  }
}
