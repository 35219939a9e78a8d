/**
 * The Metrics object's "check due" survives a Directory that is down: kept with the recorded events
 * and reported by the alarm once the Directory answers (src/observability/check-index.ts).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Metrics } from "../../src/observability/metrics-do";
import { directory } from "../../src/tenants/stub";
import { withDirectoryDown } from "../helpers/directory-down";
import { waitFor } from "../helpers/wait";

describe("the alert check index report", () => {
  it("a failure recorded while the Directory is down makes the tenant due once the alarm reports it", async () => {
    const tenant = "alerts-index-down";
    const stub = env.METRICS_ROLLUP.getByName(tenant);
    const at = Date.now();
    const during = await runInDurableObject(stub, (instance: Metrics) =>
      withDirectoryDown(instance, async () => {
        await instance.record([{ kind: "delivery", at, platform: "slack", outcome: "dead" }]);
        return instance.checkIndexState();
      }),
    );
    expect(during).toMatchObject({ value: at, delivered: false, attempts: 1 });
    expect(await directory(env).cronEntries(tenant)).toEqual([]);

    await runDurableObjectAlarm(stub);
    await waitFor(async () => {
      expect(await directory(env).cronEntries(tenant)).toEqual([
        expect.objectContaining({ kind: "alerts", dueMs: at }),
      ]);
    });
  });

  it("the system scope never enters the index", async () => {
    await env.METRICS_ROLLUP.getByName("_system").record([
      { kind: "delivery", at: Date.now(), platform: "slack", outcome: "dead" },
    ]);
    expect(await directory(env).cronEntries("_system")).toEqual([]);
  });
});
