/**
 * The tenant's Context Optimizer as the read routes ask it (`GET /api/people`, `GET /api/people/:login`
 * and the `notifications` section of `GET /api/metrics`): found with the Coordinator's `liveAgent`
 * (a read never spawns one), then asked once per request, never once per person. When it is not
 * there or does not answer, the answer still comes, saying so: the team's settings are the rest.
 */
import { contextOptimizerAgent } from "../agents/context-optimizer";
import { personKey } from "../agents/context-optimizer/route";
import { coordinator } from "../agents/coordinator/stub";
import type { AgentSnapshot } from "../agents/model";
import { formatIsoDate, localDayOf } from "../domain/time";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import {
  type NotificationsView,
  notificationsView,
  type WindowPerson,
  windowStart,
} from "../observability/notifications";
import { errorMessage, unwrap } from "../platform/errors";
import type { MemberAvailability } from "../settings/model";
import { settings } from "../settings/stub";

const log = logger("http.optimizer");

export const NO_OPTIMIZER = "No Context Optimizer is running in this tenant";

/** The live Context Optimizer (standing one first), or null; never starts one. */
export async function liveOptimizer(env: Env, tenant: string): Promise<AgentSnapshot | null> {
  return unwrap(await coordinator(env, tenant).liveAgent("context-optimizer"));
}

/** A member as the metrics window needs them: key, local date, working days, days off. */
export function windowPerson(a: MemberAvailability): WindowPerson {
  const absence = a.planned ?? a.ooo;
  return {
    person: personKey(a.member.user),
    localDate: a.localDate,
    since: joinedOn(a.member.addedAt, a.member.tz),
    workDays: a.member.workingHours.days,
    daysOff: [
      ...a.notify.holidays,
      // An absence set with no first day began when it was set.
      ...(absence ? [{ from: absence.from ?? absence.setAt.slice(0, 10), until: absence.until }] : []),
    ],
  };
}

/** The member's local date when they were added (the UTC date if their zone is not readable). */
function joinedOn(addedAt: string, tz: string): string | null {
  const at = Date.parse(addedAt);
  if (Number.isNaN(at)) return null;
  try {
    return formatIsoDate(localDayOf(at, tz));
  } catch {
    return addedAt.slice(0, 10);
  }
}

/**
 * The `notifications` section: one Coordinator lookup and one settings read (in parallel), then one
 * `daily(fromDay)` of the optimizer. Any failure makes the section unavailable, never the metrics.
 */
export async function notificationsSection(
  env: Env,
  tenant: string,
  nowMs: number,
): Promise<NotificationsView> {
  try {
    const [agent, team] = await Promise.all([
      liveOptimizer(env, tenant),
      settings(env, tenant).availability(new Date(nowMs).toISOString()),
    ]);
    if (!agent) return { available: false, reason: `${NO_OPTIMIZER}.` };
    const people = team.map(windowPerson);
    const rows = unwrap(await contextOptimizerAgent(env, agent.agentId).daily(windowStart(people, nowMs)));
    return notificationsView(rows, people, nowMs);
  } catch (err) {
    log.warn("metrics.notifications_unavailable", { error: errorMessage(err) });
    return {
      available: false,
      reason: `The Context Optimizer's counts could not be read: ${errorMessage(err)}`,
    };
  }
}
