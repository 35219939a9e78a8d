/**
 * SimulationRunner: one Durable Object per simulated strategy run (the dashboard's Simulate page,
 * `POST /api/simulate`). The team simulator (sim/simulate.ts, the same code `npm run simulate` runs on
 * Node) drives Foreman's Review Manager over real SQLite stores; here those stores are this object's
 * own SQLite storage, which is why each run gets a fresh object (`newUniqueId`): one run, one empty
 * database. The storage is wiped when the run ends, whatever its outcome, so nothing stays behind.
 */
import { DurableObject } from "cloudflare:workers";
import type { StrategyDetail } from "../../sim/metrics";
import type { Scenario } from "../../sim/scenario";
import { type PolicyInput, type SimulationReport, type StrategyName, simulate } from "../../sim/simulate";
import type { Env } from "../env";
import { ConflictError } from "../platform/errors";

export interface RunInput {
  scenario: Scenario;
  strategy: StrategyName;
  /** A review policy for a Foreman strategy (the run is then named `foreman[<id>]`). */
  policy?: PolicyInput;
}

export interface RunOutput {
  report: SimulationReport;
  details: Record<string, StrategyDetail>;
}

export class SimulationRunner extends DurableObject<Env> {
  private used = false;

  /** Runs one strategy (once per policy given) over the scenario, on this object's empty database. */
  async run(input: RunInput): Promise<RunOutput> {
    if (this.used) throw new ConflictError("A simulation runner runs once; ask for a new one");
    this.used = true;
    let opened = false;
    const openSql = () => {
      if (opened) throw new ConflictError("A simulation run opens its database once");
      opened = true;
      return this.ctx.storage.sql;
    };
    try {
      return simulate(input.scenario, {
        strategies: [input.strategy],
        openSql,
        ...(input.policy ? { policies: [input.policy] } : {}),
      });
    } finally {
      await this.ctx.storage.deleteAll();
    }
  }
}
