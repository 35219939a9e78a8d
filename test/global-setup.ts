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
    /** The test-only GitHub App key pair (test/fixtures/github-app/): PEM texts, read here in Node. */
    githubAppKeys: { privateKeyPem: string; privateKeyPkcs1Pem: string; publicKeyPem: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startFakeApiServer();
  project.provide("fakeApiPort", server.port);
  project.provide("fcSeed", fcSeed(process.env.FC_SEED));
  project.provide("githubAppKeys", readGitHubAppKeys());
  return () => server.close();
}

/** The fixed seed, `FC_SEED=<n>` to try another, `FC_SEED=random` for a fresh one each run. */
function fcSeed(value: string | undefined): number | null {
  if (value === "random") return null;
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(n) ? n : 20_261_202;
}

interface NodeFs {
  readFileSync(path: URL, encoding: "utf8"): string;
}

/** Workers in workerd cannot read files: the fixture PEMs are read here and handed over with `provide`. */
function readGitHubAppKeys(): { privateKeyPem: string; privateKeyPkcs1Pem: string; publicKeyPem: string } {
  const { process: node } = globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } };
  const fs = node.getBuiltinModule("node:fs") as NodeFs;
  const read = (name: string) =>
    fs.readFileSync(new URL(`./fixtures/github-app/${name}`, import.meta.url), "utf8");
  return {
    privateKeyPem: read("test-app-private-key.pem"),
    privateKeyPkcs1Pem: read("test-app-private-key.pkcs1.pem"),
    publicKeyPem: read("test-app-public-key.pem"),
  };
}
