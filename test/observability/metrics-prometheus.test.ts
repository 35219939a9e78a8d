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

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const VALUE = "(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|NaN|[-+]Inf)";
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

const unescapeValue = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));

/**
 * A strict reader of the exposition format: every line is a HELP, a TYPE, or a sample matching the
 * grammar; a family's HELP and TYPE come before its samples, once; histogram samples use the
 * `_bucket` / `_sum` / `_count` suffixes. Throws naming the offending line.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  expect(text.endsWith("\n")).toBe(true);
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  const familyOf = (name: string) => {
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && types.get(base) === "histogram") return base;
    }
    return name;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    const help = HELP_LINE.exec(line);
    const type = TYPE_LINE.exec(line);
    if (help?.[1]) {
      if (helped.has(help[1])) throw new Error(`second HELP: ${line}`);
      helped.add(help[1]);
      continue;
    }
    if (type?.[1] && type[2]) {
      if (types.has(type[1])) throw new Error(`second TYPE: ${line}`);
      types.set(type[1], type[2]);
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m?.[1] || !m[3]) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const family = familyOf(m[1]);
    if (!types.has(family) || !helped.has(family)) throw new Error(`sample before HELP/TYPE: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ""] = unescapeValue(pair[2] ?? "");
    }
    const value = m[3] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[3]);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

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
