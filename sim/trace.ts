/**
 * The trace: every PR of the scenario, generated once and replayed identically for each strategy.
 * Each author opens PRs in their own working time as a Poisson process (exponential gaps of working
 * time, mean = their weekly working time / PRs per week); sizes are log-normal (heavy-tailed); labels
 * are drawn per label; some PRs start as drafts and are marked ready after a log-normal delay.
 */
import { HOUR_MS } from "../src/domain/time";
import { draw, exponential, logNormal, Stream } from "./random";
import type { Scenario } from "./scenario";
import { afterWork, type SimPerson, startMs } from "./team";

export interface TracePr {
  /** 1-based, in order of opening. */
  number: number;
  repo: string;
  author: string;
  title: string;
  lines: number;
  labels: string[];
  area: string | null;
  openedAtMs: number;
  /** When it is ready for review (= opened unless it starts as a draft). */
  readyAtMs: number;
  draft: boolean;
}

const WEEK_MS = 7 * 24 * HOUR_MS;

/** Weekly working ms of a person's stated hours (out-of-office aside). */
const weeklyWorkingMs = (p: SimPerson): number => p.available.daysPerWeek * p.available.windowMs;

export function traceOf(scenario: Scenario, people: readonly SimPerson[]): TracePr[] {
  const start = startMs(scenario);
  const end = start + scenario.weeks * WEEK_MS;
  const labels = Object.entries(scenario.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  const raw: Omit<TracePr, "number" | "title">[] = [];
  for (const p of people) {
    if (p.prsPerWeek <= 0) continue;
    const arrivals = new Stream(scenario.seed, `arrivals:${p.login}`);
    const meanGap = weeklyWorkingMs(p) / p.prsPerWeek;
    let at = start;
    for (let k = 0; ; k++) {
      at = afterWork(p, at, Math.max(1, Math.round(exponential(arrivals.next(), meanGap))));
      if (at >= end) break;
      const key = `${p.login}:${k}`;
      const u = (what: string) => draw(scenario.seed, `pr:${what}:${key}`);
      const lines = Math.max(
        1,
        Math.round(logNormal(u("size"), scenario.prSize.medianLines, scenario.prSize.sigma)),
      );
      const draft = u("draft") < scenario.drafts.share;
      const ready = draft
        ? afterWork(
            p,
            at,
            Math.max(60_000, Math.round(logNormal(u("ready"), scenario.drafts.readyMedianH * HOUR_MS, 0.8))),
          )
        : at;
      raw.push({
        repo: scenario.repos[Math.floor(u("repo") * scenario.repos.length)] ?? "acme/app",
        author: p.login,
        lines,
        labels: labels.filter(([label, share]) => u(`label:${label}`) < share).map(([label]) => label),
        area: p.areas.length ? (p.areas[Math.floor(u("area") * p.areas.length)] ?? null) : null,
        openedAtMs: at,
        readyAtMs: ready,
        draft,
      });
    }
  }
  raw.sort((a, b) => a.openedAtMs - b.openedAtMs || (a.author < b.author ? -1 : a.author > b.author ? 1 : 0));
  return raw.map((pr, i) => ({ ...pr, number: i + 1, title: `Change ${i + 1} by ${pr.author}` }));
}
