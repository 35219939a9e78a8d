/** `GET /api/metrics?format=prometheus`: text exposition format 0.0.4, checked line by line. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { flushObservability } from "../../src/observability/flush";
import { quantileMs } from "../../src/observability/metrics-model";
import {
  escapeLabelValue,
  PROMETHEUS_CONTENT_TYPE,
  prometheusText,
} from "../../src/observability/metrics-prometheus";
import { metrics } from "../../src/observability/stub";
import { newKey, viaApp } from "../http/helpers";
import { parseExposition, type Sample } from "./exposition";

describe("prometheus text", () => {
  it("is served with the 0.0.4 content type and parses line by line", async () => {
    const tenant = "prom-endpoint";
    const { key } = await newKey(tenant, "viewer");
    await viaApp("/api/workflows", { key });
    await viaApp("/api/agents/status/agt_cccccccccccccccccccc", { key });
    const now = Date.now();
    await metrics(env, tenant).record([
      { kind: "delivery", at: now, platform: "discord", outcome: "sent" },
      { kind: "sla", at: now, event: "breach" },
    ]);

    // Request metrics are buffered per isolate: send them to the rollup before reading it.
    await flushObservability();
    const res = await viaApp("/api/metrics?format=prometheus", { key });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers.get("Content-Type")).toBe(PROMETHEUS_CONTENT_TYPE);
    const { types, samples } = parseExposition(await res.text());

    expect(types.get("foreman_http_requests_total")).toBe("counter");
    expect(types.get("foreman_http_request_duration_seconds")).toBe("histogram");
    const requests = samples.find(
      (s) => s.name === "foreman_http_requests_total" && s.labels.route === "/api/agents/status/:id",
    );
    expect(requests).toMatchObject({ labels: { method: "GET", status: "404" }, value: 1 });

    // The histogram: cumulative buckets ending in +Inf = _count.
    const mine = (s: Sample) => s.labels.route === "/api/workflows" && s.labels.status === "200";
    const buckets = samples.filter(
      (s) => s.name === "foreman_http_request_duration_seconds_bucket" && mine(s),
    );
    expect(buckets.map((b) => b.labels.le)).toEqual([
      "0.005",
      "0.01",
      "0.025",
      "0.05",
      "0.1",
      "0.25",
      "0.5",
      "1",
      "2.5",
      "5",
      "+Inf",
    ]);
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i]?.value).toBeGreaterThanOrEqual(buckets[i - 1]?.value ?? 0);
    }
    const count = samples.find((s) => s.name === "foreman_http_request_duration_seconds_count" && mine(s));
    expect(count?.value).toBe(1);
    expect(buckets.at(-1)?.value).toBe(count?.value);
    expect(samples.some((s) => s.name === "foreman_http_request_duration_seconds_sum" && mine(s))).toBe(true);

    expect(samples).toContainEqual({
      name: "foreman_deliveries_total",
      labels: { platform: "discord", outcome: "sent" },
      value: 1,
    });
    expect(samples).toContainEqual({
      name: "foreman_sla_events_total",
      labels: { event: "breach" },
      value: 1,
    });
    expect(samples.filter((s) => s.name === "foreman_alert_open")).toHaveLength(3);
  });

  it("escapes label values (backslash, double quote, line feed)", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const nasty = 'sl"ack\\\nx';
    const text = prometheusText(
      {
        startedAtMs: 1_700_000_000_000,
        nowMs: 1_700_000_100_000,
        windowMs: 86_400_000,
        window: [],
        totals: [
          {
            kind: "delivery",
            labels: { platform: nasty, outcome: "dead" },
            count: 2,
            sumMs: 0,
            maxMs: 0,
            hist: null,
          },
        ],
      },
      [],
    );
    const { samples } = parseExposition(text);
    expect(samples.find((s) => s.name === "foreman_deliveries_total")?.labels.platform).toBe(nasty);
    expect(samples.find((s) => s.name === "foreman_metrics_start_time_seconds")?.value).toBe(1_700_000_000);
  });

  it("the reader refuses what the format forbids", () => {
    expect(() => parseExposition('x_total{a="1"} 1\n')).toThrow(/before HELP/);
    expect(() => parseExposition('# HELP x h\n# TYPE x counter\nx{a="un"escaped"} 1\n')).toThrow(
      /not a sample/,
    );
    expect(() => parseExposition("# HELP x h\n# TYPE x counter\nx 1 2 3\n")).toThrow(/not a sample/);
  });
});

describe("latency quantiles", () => {
  it("interpolate inside the bucket and cap at the largest value seen", () => {
    // 10 requests of <= 5 ms, 10 of (100, 250] ms, the slowest 180 ms.
    const hist = [10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0];
    expect(quantileMs(hist, 0.5, 180)).toBe(5);
    expect(quantileMs(hist, 0.25, 180)).toBe(2.5);
    expect(quantileMs(hist, 0.99, 180)).toBe(180);
    expect(quantileMs([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], 0.5, 9000)).toBeGreaterThan(5000);
    expect(quantileMs(new Array(11).fill(0), 0.5, 0)).toBeNull();
  });
});
