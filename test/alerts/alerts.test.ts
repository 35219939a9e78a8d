/** The scheduled health check: one alert per incident, all-clear on resolve, a new incident later. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runAlertChecks } from "../../src/alerts/alerts";
import { configuredOpsChannel } from "../../src/alerts/channel";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import type { MetricEvent } from "../../src/observability/metrics-model";
import { metrics } from "../../src/observability/stub";
import type { Directory } from "../../src/tenants/directory";
import { directory } from "../../src/tenants/stub";
import { recordingQueue, runQueue } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";

const MIN = 60_000;
const HOUR = 60 * MIN;

async function setup(tenant: string, extra: Partial<Env> = {}) {
  await directory(env).ensureTenant(tenant);
  const { queue, sent } = recordingQueue();
  const testEnv: Env = {
    ...env,
    OUTBOUND: queue,
    OPS_CHANNEL: `${tenant}=slack:COPS${tenant.length}`,
    ...extra,
  };
  const alerts = () => sent.filter((d: DeliveryMessage) => d.tenant === tenant && d.key.startsWith("alert:"));
  const record = (events: MetricEvent[]) => metrics(env, tenant).record(events);
  return { testEnv, sent, alerts, record };
}

const dead = (at: number): MetricEvent => ({ kind: "delivery", at, platform: "slack", outcome: "dead" });

/** Files share the Directory (isolate: false): check every due tenant, not one page. */
const EVERY_TENANT = Number.MAX_SAFE_INTEGER;

/** The Directory object of another name: an index of the test's own. */
function directoryNamed(name: string): Env["DIRECTORY"] {
  return { getByName: () => env.DIRECTORY.getByName(name) } as unknown as Env["DIRECTORY"];
}

/** An env whose Metrics objects note each tenant the health check calls (in `checked`). */
function observedEnv(extra: Partial<Env> = {}) {
  const checked: string[] = [];
  const testEnv: Env = {
    ...env,
    METRICS_ROLLUP: {
      getByName: (name: string) => {
        const rollup = metrics(env, name);
        return {
          checkAlerts: (input: Parameters<typeof rollup.checkAlerts>[0]) => {
            checked.push(name);
            return rollup.checkAlerts(input);
          },
          markNotified: (input: Parameters<typeof rollup.markNotified>[0]) => rollup.markNotified(input),
        };
      },
    } as unknown as Env["METRICS_ROLLUP"],
    ...extra,
  };
  return { testEnv, checked };
}

describe("alerts from the scheduled health check", () => {
  it("posts once per incident across repeated runs, posts the all-clear, and a new crossing again", async () => {
    const tenant = "alerts-once";
    const { testEnv, alerts, record } = await setup(tenant);
    const t0 = Date.now();
    await record([dead(t0)]);

    await runAlertChecks(testEnv, t0, EVERY_TENANT);
    expect(alerts().map((d) => d.key)).toEqual([`alert:${tenant}:dead_letters:1`]);
    const first = alerts()[0];
    expect(first?.platform).toBe("slack");
    expect(first?.body.channel).toBe(`COPS${tenant.length}`);
    expect(String(first?.body.text)).toContain("1 dead letters in the last hour (threshold 1)");

    // Still above the threshold: the same incident, no repeat.
    await runAlertChecks(testEnv, t0 + 5 * MIN, EVERY_TENANT);
    await runAlertChecks(testEnv, t0 + 10 * MIN, EVERY_TENANT);
    await record([dead(t0 + 10 * MIN)]);
    await runAlertChecks(testEnv, t0 + 15 * MIN, EVERY_TENANT);
    expect(alerts()).toHaveLength(1);

    // The window passes: resolved, said once.
    await runAlertChecks(testEnv, t0 + 2 * HOUR, EVERY_TENANT);
    await runAlertChecks(testEnv, t0 + 2 * HOUR + 5 * MIN, EVERY_TENANT);
    expect(alerts().map((d) => d.key)).toEqual([
      `alert:${tenant}:dead_letters:1`,
      `alert:${tenant}:dead_letters:1:resolved`,
    ]);
    expect(String(alerts()[1]?.body.text)).toMatch(/^Resolved: dead letters back below the threshold/);

    // A later crossing is a new incident with its own alert.
    await record([dead(t0 + 3 * HOUR)]);
    await runAlertChecks(testEnv, t0 + 3 * HOUR, EVERY_TENANT);
    await runAlertChecks(testEnv, t0 + 3 * HOUR + 5 * MIN, EVERY_TENANT);
    expect(alerts().map((d) => d.key)).toEqual([
      `alert:${tenant}:dead_letters:1`,
      `alert:${tenant}:dead_letters:1:resolved`,
      `alert:${tenant}:dead_letters:2`,
    ]);
    const incidents = await metrics(env, tenant).currentIncidents();
    expect(incidents).toEqual([expect.objectContaining({ rule: "dead_letters", seq: 2, status: "open" })]);
  });

  it("thresholds come from config: failures and breaches below them stay quiet, at them alert", async () => {
    const tenant = "alerts-thresholds";
    const { testEnv, alerts, record } = await setup(tenant, {
      ALERT_DELIVERY_FAILURES: "3",
      ALERT_SLA_BREACHES: "2",
      ALERT_DEAD_LETTERS: "0",
    });
    const t0 = Date.now();
    const retried: MetricEvent = { kind: "delivery", at: t0, platform: "discord", outcome: "retried" };
    // Two failures (one retried, one dead: dead letters count as failures too), one breach.
    await record([retried, { kind: "sla", at: t0, event: "breach" }, dead(t0)]);
    await runAlertChecks(testEnv, t0, EVERY_TENANT);
    expect(await metrics(env, tenant).currentIncidents()).toEqual([]);
    expect(alerts()).toEqual([]);

    // Third failure (dead counts as a failure too) and second breach.
    await record([{ kind: "sla", at: t0, event: "breach" }, dead(t0)]);
    await runAlertChecks(testEnv, t0 + MIN, EVERY_TENANT);
    expect(
      alerts()
        .map((d) => d.key)
        .sort(),
    ).toEqual([`alert:${tenant}:delivery_failures:1`, `alert:${tenant}:sla_breaches:1`]);
  });

  it("without an ops channel nothing is posted; once one is configured the open incident is", async () => {
    const tenant = "alerts-unrouted";
    const { testEnv, alerts, record } = await setup(tenant, { OPS_CHANNEL: "" });
    const t0 = Date.now();
    await record([dead(t0)]);
    const result = await runAlertChecks(testEnv, t0, EVERY_TENANT);
    expect(result.unrouted).toBeGreaterThanOrEqual(1);
    expect(alerts()).toEqual([]);

    await runAlertChecks(
      { ...testEnv, OPS_CHANNEL: `${tenant}=discord:123456789` },
      t0 + 5 * MIN,
      EVERY_TENANT,
    );
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ platform: "discord", body: { channel_id: "123456789" } });
  });

  it("a run that dies after posting posts again with the same key: delivered once", async () => {
    const tenant = "alerts-retried-run";
    const api = fakeApi("alerts-retried-run");
    const { testEnv, alerts, record } = await setup(tenant);
    const t0 = Date.now();
    await record([dead(t0)]);
    // The first run loses its `markNotified` (as if the invocation died right after posting).
    const lossy: Env = {
      ...testEnv,
      METRICS_ROLLUP: {
        getByName: (name: string) => {
          const rollup = metrics(env, name);
          return {
            checkAlerts: (input: Parameters<typeof rollup.checkAlerts>[0]) => rollup.checkAlerts(input),
            markNotified: () => Promise.reject(new Error("invocation died")),
          };
        },
      } as unknown as Env["METRICS_ROLLUP"],
    };
    const died = await runAlertChecks(lossy, t0, EVERY_TENANT);
    expect(died.failed).toBeGreaterThanOrEqual(1);
    await runAlertChecks(testEnv, t0 + 5 * MIN, EVERY_TENANT);
    await runAlertChecks(testEnv, t0 + 10 * MIN, EVERY_TENANT);
    // The second run posts again with the same key: the tenant's Outbox knows it and queues nothing new.
    expect(alerts().map((d) => d.key)).toEqual([`alert:${tenant}:dead_letters:1`]);

    await runQueue(
      api.env(env),
      alerts().map((body) => ({ body })),
    );
    expect(await api.requests("/slack/api/chat.postMessage")).toHaveLength(1);
  });

  it("runs from the Cron Trigger", async () => {
    const tenant = "alerts-cron";
    const { testEnv, alerts, record } = await setup(tenant);
    const t0 = Date.now();
    await record([dead(t0)]);
    const controller = createScheduledController({ scheduledTime: t0, cron: "*/5 * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(alerts().map((d) => d.key)).toEqual([`alert:${tenant}:dead_letters:1`]);
  });
});

describe("alert routing and bounds", () => {
  it("OPS_CHANNEL: a tenant's own entry before the catch-all; junk ignored", () => {
    const config = "bogus, slack:CALL1 ,acme=discord:42,beta=slack:C*bad";
    expect(configuredOpsChannel(config, "acme")).toEqual({
      platform: "discord",
      workspaceId: "config",
      channelId: "42",
    });
    expect(configuredOpsChannel(config, "beta")?.channelId).toBe("CALL1");
    expect(configuredOpsChannel(config, "other")?.channelId).toBe("CALL1");
    expect(configuredOpsChannel("", "acme")).toBeNull();
    expect(configuredOpsChannel(undefined, "acme")).toBeNull();
  });

  it("checks at most the page per run, least recently checked first, and only tenants that are due", async () => {
    // A Directory of its own, so the page holds only this test's tenants.
    const own = env.DIRECTORY.getByName("alerts-page-test") as unknown as DurableObjectStub<Directory>;
    const tenants = Array.from({ length: 5 }, (_, i) => `alerts-page-${i}`);
    for (const tenant of tenants) await own.reportCron({ tenant, kind: "alerts", dueMs: 0, gen: 1 });
    await own.reportCron({ tenant: "alerts-page-later", kind: "alerts", dueMs: Date.now() + HOUR, gen: 1 });
    const { testEnv, checked } = observedEnv({ DIRECTORY: directoryNamed("alerts-page-test") });
    const t0 = Date.now();
    expect((await runAlertChecks(testEnv, t0, 2)).checked).toBe(2);
    expect((await runAlertChecks(testEnv, t0 + 5 * MIN, 2)).checked).toBe(2);
    expect((await runAlertChecks(testEnv, t0 + 10 * MIN, 2)).checked).toBe(2);
    // Five tenants in pages of two: every one within three runs, the one not due never.
    expect(new Set(checked)).toEqual(new Set(tenants));
    expect(checked).toHaveLength(6);
  });
});

describe("which tenants the health check calls", () => {
  it("a tenant with a failure is checked until its window is clean; a tenant without is never called", async () => {
    const failing = "alerts-called-failing";
    const clean = "alerts-called-clean";
    await directory(env).ensureTenant(failing);
    await directory(env).ensureTenant(clean);
    const t0 = Date.now();
    await metrics(env, clean).record([
      { kind: "delivery", at: t0, platform: "slack", outcome: "sent" },
      { kind: "http", at: t0, route: "/api/x", method: "GET", status: 200, ms: 3 },
    ]);
    await metrics(env, failing).record([{ kind: "delivery", at: t0, platform: "slack", outcome: "retried" }]);
    // The index: the failing tenant is due since its failure; the clean one has no row at all.
    expect(await directory(env).cronEntries(failing)).toEqual([
      expect.objectContaining({ kind: "alerts", dueMs: t0 }),
    ]);
    expect((await directory(env).cronEntries(clean)).filter((e) => e.kind === "alerts")).toEqual([]);

    const { testEnv, checked } = observedEnv({ OPS_CHANNEL: "" });
    const mine = () => checked.filter((t) => t === failing || t === clean);
    await runAlertChecks(testEnv, t0, EVERY_TENANT);
    await runAlertChecks(testEnv, t0 + 5 * MIN, EVERY_TENANT);
    expect(mine()).toEqual([failing, failing]);

    // An hour on, the window is clean: checked once more, then no longer due.
    await runAlertChecks(testEnv, t0 + 2 * HOUR, EVERY_TENANT);
    expect(await directory(env).cronEntries(failing)).toEqual([
      expect.objectContaining({ kind: "alerts", dueMs: null }),
    ]);
    expect((await metrics(env, failing).checkIndexState())?.delivered).toBe(true);
    await runAlertChecks(testEnv, t0 + 2 * HOUR + 5 * MIN, EVERY_TENANT);
    expect(mine()).toEqual([failing, failing, failing]);

    // A new failure makes it due again.
    await metrics(env, failing).record([{ kind: "sla", at: Date.now(), event: "breach" }]);
    expect((await directory(env).cronEntries(failing))[0]?.dueMs).not.toBeNull();
  });
});
