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
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startFakeApiServer();
  project.provide("fakeApiPort", server.port);
  return () => server.close();
}
