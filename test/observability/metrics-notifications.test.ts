/**
 * The `notifications` section of GET /api/metrics and its Prometheus gauges, through the Worker with
 * real API keys: computed from the Context Optimizer's daily counts; unavailable (while the rest of
 * the metrics still answer) without an optimizer or when it does not answer.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { newKey, viaApp, viaWorker } from "../http/helpers";
import { addTeam, routeMessages, spawnOptimizer } from "../integration/people-support";
import { parseExposition, type Sample } from "./exposition";

interface Counts {
  sent: number;
  held: number;
  merged: number;
  avoided: number;
  focusInterruptions: number;
}
type Notifications =
  | {
      available: true;
      days: number;
      from: string;
      to: string;
      people: number;
      personDays: number;
      messagesPerPersonDay: { median: number | null; p95: number | null; max: number | null };
      today: Counts;
      last7Days: Counts;
    }
  | { available: false; reason: string };
interface MetricsBody {
  scope: string;
  requests: unknown[];
  totals: { requests: number };
  alerts: unknown[];
  notifications: Notifications;
}

const TENANT = "obs-notify";
const EMPTY = "obs-notify-none";

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;

describe("GET /api/metrics: notifications", () => {
  let viewer = "";

  beforeAll(async () => {
    viewer = (await newKey(TENANT, "viewer")).key;
    await addTeam(TENANT);
    await routeMessages(await spawnOptimizer(TENANT));
  });

  it("sums today's counts and spreads messages per person-day (JSON)", async () => {
    const res = await viaWorker("/api/metrics", { key: viewer });
    expect(res.status).toBe(200);
    const body = await (res.json() as Promise<MetricsBody>);
    expect(body.scope).toBe(TENANT);
    const n = body.notifications;
    if (!n.available) throw new Error(`unavailable: ${n.reason}`);
    const today = { sent: 2, held: 1, merged: 0, avoided: 1, focusInterruptions: 1 };
    expect(n.today).toEqual(today);
    expect(n.last7Days).toEqual(today);
    // Everyone joined today: only today's days with a message count (Ada's 1, Bob's 1).
    expect(n).toMatchObject({ days: 7, people: 2, personDays: 2 });
    expect(n.messagesPerPersonDay).toEqual({ median: 1, p95: 1, max: 1 });
    expect(n.from < n.to).toBe(true);
  });

  it("adds gauges to the Prometheus text", async () => {
    const res = await viaWorker("/api/metrics?format=prometheus", { key: viewer });
    expect(res.status).toBe(200);
    const { types, samples } = parseExposition(await res.text());
    const gauges = [
      "foreman_notifications_available",
      "foreman_person_messages_per_day",
      "foreman_person_days",
      "foreman_notifications_sent_today",
      "foreman_notifications_held_today",
      "foreman_notifications_merged_today",
      "foreman_interruptions_avoided_today",
      "foreman_focus_interruptions_today",
    ];
    for (const name of gauges) expect(types.get(name), name).toBe("gauge");
    expect(value(samples, "foreman_notifications_available")).toBe(1);
    for (const quantile of ["0.5", "0.95", "1"]) {
      expect(value(samples, "foreman_person_messages_per_day", { quantile }), quantile).toBe(1);
    }
    expect(value(samples, "foreman_person_days")).toBe(2);
    expect(value(samples, "foreman_notifications_sent_today")).toBe(2);
    expect(value(samples, "foreman_notifications_held_today")).toBe(1);
    expect(value(samples, "foreman_notifications_merged_today")).toBe(0);
    expect(value(samples, "foreman_interruptions_avoided_today")).toBe(1);
    expect(value(samples, "foreman_focus_interruptions_today")).toBe(1);
    // The rest is still there.
    expect(types.get("foreman_http_requests_total")).toBe("counter");
  });

  it("says unavailable, and the rest still answers, when the optimizer does not answer", async () => {
    const failing = {
      getByName: () => ({
        daily: async () => {
          throw new Error("optimizer down");
        },
      }),
    } as unknown as Env["CONTEXT_OPTIMIZER"];
    const res = await viaApp("/api/metrics", { key: viewer }, { CONTEXT_OPTIMIZER: failing });
    expect(res.status).toBe(200);
    const body = await (res.json() as Promise<MetricsBody>);
    expect(body.notifications.available).toBe(false);
    if (body.notifications.available) return;
    expect(body.notifications.reason).toContain("optimizer down");
    expect(body.scope).toBe(TENANT);
    expect(Array.isArray(body.requests)).toBe(true);
    expect(Array.isArray(body.alerts)).toBe(true);

    const prom = await viaApp(
      "/api/metrics?format=prometheus",
      { key: viewer },
      { CONTEXT_OPTIMIZER: failing },
    );
    expect(prom.status).toBe(200);
    const { samples } = parseExposition(await prom.text());
    expect(value(samples, "foreman_notifications_available")).toBe(0);
    expect(samples.some((s) => s.name === "foreman_notifications_held_today")).toBe(false);
    expect(samples.some((s) => s.name === "foreman_alert_open")).toBe(true);
  });
});

describe("GET /api/metrics without a Context Optimizer", () => {
  it("says so in the section; the Prometheus text has availability 0", async () => {
    const { key } = await newKey(EMPTY, "viewer");
    const body = await ((await viaWorker("/api/metrics", { key })).json() as Promise<MetricsBody>);
    expect(body.notifications).toEqual({
      available: false,
      reason: "No Context Optimizer is running in this tenant.",
    });
    const { samples } = parseExposition(
      await (await viaWorker("/api/metrics?format=prometheus", { key })).text(),
    );
    expect(value(samples, "foreman_notifications_available")).toBe(0);
    expect(samples.some((s) => s.name === "foreman_person_messages_per_day")).toBe(false);
  });

  it("has no notification gauges and an unavailable section with scope=system", async () => {
    const body = await ((await viaWorker("/api/metrics?scope=system")).json() as Promise<MetricsBody>);
    expect(body.notifications.available).toBe(false);
    const { samples } = parseExposition(
      await (await viaWorker("/api/metrics?scope=system&format=prometheus")).text(),
    );
    expect(samples.some((s) => s.name.startsWith("foreman_notifications_"))).toBe(false);
  });
});
