/**
 * The demo tenant's history (demo-history.json, written by `npm run demo-history` from the simulator's
 * default scenario): eight weeks of PRs, placed on the weekdays and hours they had in the simulation
 * and ending by the seed's time (historyEnd), for the Review Manager's forecasts to learn from and the Integration Dashboard's metrics and insights to show
 * (docs/predictions.md). The simulated repository is renamed `demo/app`, so the PRs of a real
 * repository sent to `npm run dev` never mix with it.
 */

import { weekStartMs } from "../../domain/review-metrics";
import type { Env } from "../../env";
import { type Outcome, unwrap } from "../../platform/errors";
import type { WorkingHours } from "../../settings/model";
import { settings } from "../../settings/stub";
import { integrationDashboard } from "../integration-dashboard/find";
import type { HistoryPr } from "../integration-dashboard/history";
import type { Workflow } from "../model";
import { reviewManagerAgent } from "../review-manager";
import type { HistorySample } from "../review-manager/forecast-store";
import history from "./demo-history.json";
import type { StandingAgents } from "./intake";

export const DEMO_REPO = "demo/app";

/** One person of the simulated team (the demo tenant's team). */
export interface DemoPerson {
  login: string;
  tz: string;
  lead: boolean;
  workingHours: WorkingHours;
}

/** One PR of the history as `npm run demo-history` writes it (sim/demo-history.ts). */
export interface DemoHistoryRow {
  repo: string;
  number: number;
  title: string;
  author: string;
  reviewer: string;
  /** Offsets before the end of the history, ms (positive: earlier). */
  readyAgoMs: number;
  requestedAgoMs: number;
  firstReviewAgoMs: number | null;
  mergedAgoMs: number | null;
  facts: HistorySample["facts"];
}

/**
 * Where the simulation's last event goes for a seed at `seedMs`: the scenario's last week is moved onto
 * the seed's week (ISO weeks, UTC Mondays, as the Overview counts them), so each row keeps its weekday
 * and hour: the simulated weekends fall on weekends, as the team's working hours say, and the current
 * week holds the scenario's last week up to the seed. (Ending the rows at the seed itself put a
 * simulated weekend on whatever days came before it: seeded on a Thursday, "this week" held two first
 * reviews that had waited over a "weekend" of Monday to Wednesday.)
 */
export function historyEnd(seedMs: number): number {
  return Date.parse(history.endedAt) + weekStartMs(seedMs) - Date.parse(history.lastWeek);
}

/**
 * The rows placed for a seed at `seedMs`, each with its times: only those whose last event (merge, or
 * first review) is by the seed, as a real history has nothing from later, and no PR stays half-told
 * (open for ever in the dashboard's facts). What the scenario did after the seed's weekday and hour is
 * left out: up to its last week and the days it took to drain.
 */
function placed(seedMs: number) {
  const endMs = historyEnd(seedMs);
  const at = (ago: number | null) => (ago === null ? null : endMs - ago);
  return (history.rows as DemoHistoryRow[])
    .map((row) => ({
      row,
      readyAtMs: endMs - row.readyAgoMs,
      requestedAtMs: endMs - row.requestedAgoMs,
      firstReviewAtMs: at(row.firstReviewAgoMs),
      mergedAtMs: at(row.mergedAgoMs),
    }))
    .filter((p) => (p.mergedAtMs ?? p.firstReviewAtMs ?? p.requestedAtMs) <= seedMs);
}

/** The history as the Review Manager's training samples, for a seed at `seedMs`. */
export function demoSamples(seedMs: number): HistorySample[] {
  return placed(seedMs).map(({ row, requestedAtMs, firstReviewAtMs, mergedAtMs }) => ({
    key: `${DEMO_REPO}#${row.number}`,
    requestedAtMs,
    facts: { ...row.facts, repo: DEMO_REPO },
    firstReviewAtMs,
    mergedAtMs,
  }));
}

/** The history as the Integration Dashboard's PR facts, for a seed at `seedMs`. */
export function demoPrs(seedMs: number): HistoryPr[] {
  return placed(seedMs).map(({ row, readyAtMs, requestedAtMs, firstReviewAtMs, mergedAtMs }) => ({
    repo: DEMO_REPO,
    number: row.number,
    title: row.title,
    author: row.author,
    lines: row.facts.lines,
    reviewer: row.reviewer,
    readyAtMs,
    requestedAtMs,
    firstReviewAtMs,
    mergedAtMs,
  }));
}

/**
 * Imports the history into the demo tenant's Review Manager and Integration Dashboard, so the first PRs
 * of `npm run dev` get forecasts at once (an import of what is there adds nothing: a seed that failed
 * halfway completes). The dashboard's facts first: the forecasts' fit reads its figure of how size
 * slows reviews.
 */
export async function importDemoHistory(env: Env, agents: StandingAgents, anchorMs: number): Promise<void> {
  unwrap(await integrationDashboard(env, agents["integration-dashboard"]).importHistory(demoPrs(anchorMs)));
  unwrap(await reviewManagerAgent(env, agents["review-manager"]).importHistory(demoSamples(anchorMs)));
}

/** The chat user of a demo person: a Slack user of a workspace that does not exist (`TDEMO`). */
const demoUser = (i: number, login: string) => ({
  platform: "slack" as const,
  id: `UDEMO${String(i + 1).padStart(4, "0")}`,
  name: login,
});

/** The demo team's channel: a Slack channel of a workspace that does not exist. */
const DEMO_CHANNEL = { platform: "slack" as const, workspaceId: "TDEMO", channelId: "CDEMO" };
/**
 * The repositories the demo channel links, as `/foreman link github` would: the history's, and the
 * one `scripts/github-sign.mjs` signs a pull request for by default, so a signed webhook reaches the
 * Review Manager on a fresh `npm run dev`.
 */
const DEMO_LINKED = [DEMO_REPO, "acme/widgets"];

/**
 * The simulated team, added to the demo tenant as `/foreman team add` would (zone, working hours), and
 * the demo channel linked to DEMO_LINKED, when the tenant has nobody yet. Nobody is made a lead: a
 * lead would end the first-run rule (anyone may set up in chat until a lead or admin is named,
 * src/commands/permissions.ts), and the developer trying `npm run dev` from their own Slack would be
 * refused. The chat users and the channel are made up, so what Foreman sends them stays in the local
 * outbox (no Slack token in demo mode), where the dashboard's Deliveries view draws it.
 */
async function seedDemoTeam(env: Env, tenant: string): Promise<void> {
  const store = settings(env, tenant);
  if ((await store.team()).length > 0) return;
  for (const repo of DEMO_LINKED) unwrap(await store.link("github", repo, DEMO_CHANNEL, "demo seed"));
  const people = history.people as DemoPerson[];
  for (const [i, p] of people.entries()) {
    unwrap(
      await store.addMember(
        { user: demoUser(i, p.login), github: p.login, tz: p.tz, lead: false, workingHours: p.workingHours },
        "demo seed",
      ),
    );
  }
}

/**
 * Gives an empty demo tenant its standing agents (`ensure`), their history and, the first time, the
 * team, as the first `link` and `team add` would. Idempotent: anchored at the oldest workflow's creation,
 * so a seed run again finds the same facts; the team is added only to a fresh tenant (one whose people
 * were removed stays as it is).
 */
export async function seedDemoHistory(
  env: Env,
  tenant: string,
  store: { workflows(): Workflow[] },
  ensure: () => Promise<Outcome<StandingAgents>>,
): Promise<{ seeded: boolean }> {
  const fresh = store.workflows().length === 0;
  const agents = unwrap(await ensure());
  const created = Date.parse(store.workflows().at(-1)?.createdAt ?? "");
  await importDemoHistory(env, agents, Number.isFinite(created) ? created : Date.now());
  if (fresh) await seedDemoTeam(env, tenant);
  return { seeded: fresh };
}
