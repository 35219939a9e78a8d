/**
 * The ops-channel messages of alert incidents: the alert when one opens and the all-clear when it
 * resolves (platform-neutral `Reply`, rendered for Slack or Discord by `postToChannel`).
 */
import { literal } from "../chat/markup";
import { type Reply, reply } from "../chat/reply";
import { type AlertRule, describeValue, type Incident } from "../domain/alert-rules";

const TITLE: Record<AlertRule, string> = {
  delivery_failures: "Delivery failures",
  dead_letters: "Dead letters",
  sla_breaches: "Review SLA breaches",
};

const MEANING: Record<AlertRule, string> = {
  delivery_failures:
    "Posts to Slack, Discord, GitHub or Linear are failing and being retried (rate limits, 5xx, timeouts, a revoked token).",
  dead_letters:
    "Deliveries failed for good and were set aside as dead letters: something Foreman meant to post did not arrive.",
  sla_breaches: "Reviews are running past their SLA: pull requests are waiting longer than the team agreed.",
};

const ACTION: Record<AlertRule, string> = {
  delivery_failures:
    "Check `GET /api/metrics` (deliveries by platform) and the platform's status; rotate a revoked token.",
  dead_letters:
    "List them with `GET /api/deliveries/dead`, fix the cause, replay with `POST /api/deliveries/dead/{id}/replay`.",
  sla_breaches: "See `/foreman review list`; reassign or add reviewers, or adjust `/foreman sla set`.",
};

const minutes = (ms: number) => {
  const m = Math.max(1, Math.round(ms / 60_000));
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
};

export function alertOpened(tenant: string, incident: Incident, windowMs: number): Reply {
  const what = describeValue(incident.rule, incident.lastValue, incident.threshold, windowMs);
  const text = `Alert: ${what}.`;
  return reply(text, {
    ephemeral: false,
    tone: "error",
    title: `Alert: ${TITLE[incident.rule]}`,
    sections: [{ text, lines: [MEANING[incident.rule], `What to do: ${ACTION[incident.rule]}`] }],
    footer: `Incident ${incident.rule} #${incident.seq} · tenant ${literal(tenant)} · runbook: "Alerts" in Foreman's operations guide`,
  });
}

export function alertResolved(tenant: string, incident: Incident, windowMs: number): Reply {
  const now = describeValue(incident.rule, incident.lastValue, incident.threshold, windowMs);
  const lasted = minutes((incident.resolvedAtMs ?? incident.openedAtMs) - incident.openedAtMs);
  const text = `Resolved: ${TITLE[incident.rule].toLowerCase()} back below the threshold (${now}).`;
  return reply(text, {
    ephemeral: false,
    tone: "success",
    title: `Resolved: ${TITLE[incident.rule]}`,
    sections: [{ text, lines: [`Open for ${lasted}; peak ${incident.peak}.`] }],
    footer: `Incident ${incident.rule} #${incident.seq} · tenant ${literal(tenant)}`,
  });
}
