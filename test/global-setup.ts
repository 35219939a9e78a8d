/**
 * Vitest global setup (runs in Node, once per run): starts the fake platform API server
 * (test/helpers/fake-api-server.ts) and hands its port to the Worker config and to tests.
 */
import type { TestProject } from "vitest/node";
import { startFakeApiServer } from "./helpers/fake-api-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Port of the fake Slack/Discord/GitHub/Linear server on 127.0.0.1. */
    fakeApiPort: number;
    /** fast-check's seed for every property test (test/setup/fast-check.ts); null: a fresh one per run. */
    fcSeed: number | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startFakeApiServer();
  project.provide("fakeApiPort", server.port);
  project.provide("fcSeed", fcSeed(process.env.FC_SEED));
  return () => server.close();
}

/** The fixed seed, `FC_SEED=<n>` to try another, `FC_SEED=random` for a fresh one each run. */
function fcSeed(value: string | undefined): number | null {
  if (value === "random") return null;
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(n) ? n : 20_261_202;
}
