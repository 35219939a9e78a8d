/**
 * Alert rules as pure functions: thresholds from configuration, and the incident state machine the
 * scheduled health check runs per tenant and rule.
 *
 * An incident opens when a rule's value over its window reaches the threshold, stays open (no new
 * alert) while the value stays at or above it, and resolves when the value drops below it. A later
 * crossing opens a new incident with the next sequence number. A threshold of 0 turns the rule off
 * (an open incident then resolves).
 */

export const ALERT_RULES = ["delivery_failures", "dead_letters", "sla_breaches"] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** The window every rule counts over. */
export const ALERT_WINDOW_MS = 60 * 60 * 1000;

export interface AlertThreshold {
  rule: AlertRule;
  /** Events in the window that open an incident; 0: rule off. */
  threshold: number;
  windowMs: number;
}

/** Configuration variable and default of each rule. */
export const THRESHOLD_CONFIG: Record<AlertRule, { variable: string; fallback: number }> = {
  delivery_failures: { variable: "ALERT_DELIVERY_FAILURES", fallback: 10 },
  dead_letters: { variable: "ALERT_DEAD_LETTERS", fallback: 1 },
  sla_breaches: { variable: "ALERT_SLA_BREACHES", fallback: 5 },
};

/**
 * Thresholds from configuration values (e.g. the Worker's vars): a non-negative integer is taken,
 * anything else (unset, empty, text, negative) gives the default.
 */
export function thresholdsFrom(config: Readonly<Record<string, unknown>>): AlertThreshold[] {
  return ALERT_RULES.map((rule) => {
    const { variable, fallback } = THRESHOLD_CONFIG[rule];
    const raw = config[variable];
    const text = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : "";
    const threshold = /^\d{1,9}$/.test(text) ? Number(text) : fallback;
    return { rule, threshold, windowMs: ALERT_WINDOW_MS };
  });
}

export interface Incident {
  rule: AlertRule;
  /** 1 for the rule's first incident, +1 for each later one. */
  seq: number;
  status: "open" | "resolved";
  openedAtMs: number;
  resolvedAtMs: number | null;
  threshold: number;
  /** The value that opened it, the highest seen while open, and the latest. */
  openedValue: number;
  peak: number;
  lastValue: number;
}

export type Transition =
  /** Below the threshold and nothing open. */
  | { type: "quiet" }
  | { type: "opened"; incident: Incident }
  | { type: "ongoing"; incident: Incident }
  | { type: "resolved"; incident: Incident };

export function isBreaching(value: number, threshold: number): boolean {
  return threshold > 0 && value >= threshold;
}

/**
 * One health check of one rule: `latest` is the rule's most recent incident (open or resolved), or
 * null if it never had one.
 */
export function evaluateRule(
  latest: Incident | null,
  rule: AlertRule,
  value: number,
  threshold: number,
  nowMs: number,
): Transition {
  const open = latest?.status === "open" ? latest : null;
  if (isBreaching(value, threshold)) {
    if (open) {
      return { type: "ongoing", incident: { ...open, peak: Math.max(open.peak, value), lastValue: value } };
    }
    return {
      type: "opened",
      incident: {
        rule,
        seq: (latest?.seq ?? 0) + 1,
        status: "open",
        openedAtMs: nowMs,
        resolvedAtMs: null,
        threshold,
        openedValue: value,
        peak: value,
        lastValue: value,
      },
    };
  }
  if (open)
    return {
      type: "resolved",
      incident: { ...open, status: "resolved", resolvedAtMs: nowMs, lastValue: value },
    };
  return { type: "quiet" };
}

/** Idempotency key of an incident's alert (`resolved`: of its all-clear): one post per incident. */
export function alertKey(
  tenant: string,
  rule: AlertRule,
  seq: number,
  notice: "opened" | "resolved",
): string {
  const base = `alert:${tenant}:${rule}:${seq}`;
  return notice === "opened" ? base : `${base}:resolved`;
}

const WHAT: Record<AlertRule, string> = {
  delivery_failures: "delivery failures",
  dead_letters: "dead letters",
  sla_breaches: "review SLA breaches",
};

/** "12 delivery failures in the last hour (threshold 10)". */
export function describeValue(rule: AlertRule, value: number, threshold: number, windowMs: number): string {
  const minutes = Math.round(windowMs / 60_000);
  const span = minutes === 60 ? "the last hour" : `the last ${minutes} minutes`;
  return `${value} ${WHAT[rule]} in ${span} (threshold ${threshold})`;
}
