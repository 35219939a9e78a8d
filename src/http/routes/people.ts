/**
 * `GET /api/people` and `GET /api/people/:login` (viewer): the team as Foreman reaches it — each
 * person's GitHub login, chat user, zone, working hours, out-of-office and notify preferences (from
 * TenantSettings), and what the Context Optimizer holds for them, today's counts and their next
 * release; where each stands now (working, focus, out, off hours: computed from the same settings)
 * and their open reviews against capacity (the live Review Manager's queue). Costs stay flat as the
 * team grows: one settings read and two Coordinator lookups (in parallel), then one optimizer call and
 * one queue read (in parallel) per request, never one per person. Nothing is started: without a
 * live Context Optimizer (or when it does not answer) the settings part still comes, `held` empty
 * and `today` null; without a Review Manager, `reviews` is null.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { contextOptimizerAgent, type PersonState } from "../../agents/context-optimizer";
import { audienceOf, personKey } from "../../agents/context-optimizer/route";
import type { AgentSnapshot } from "../../agents/model";
import { reviewManagerAgent } from "../../agents/review-manager";
import { reviewConfigOf } from "../../agents/review-manager/config";
import { openReviews } from "../../agents/review-manager/queue-view";
import { presenceAt } from "../../domain/notify";
import type { Env } from "../../env";
import { errorMessage, NotFoundError, type Outcome, unwrap } from "../../platform/errors";
import type { MemberAvailability } from "../../settings/model";
import { settings } from "../../settings/stub";
import { currentTenant, guard } from "../middleware/auth";
import { errorResponse, json, READ_ERRORS, security } from "../openapi";
import { liveOptimizer } from "../optimizer";
import { currentReviewManager } from "../review-queue";
import { LoginParam, PeopleSchema, PersonAnswerSchema, TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

type Person = z.infer<typeof PeopleSchema>["people"][number];
type OptimizerRef = z.infer<typeof PeopleSchema>["contextOptimizer"];

const tags = ["people"];
const query = z.object({ tenant: TenantQuery });

const list = createRoute({
  method: "get",
  path: "/api/people",
  tags,
  summary: "The team: preferences, held items and today's message counts per person (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query },
  responses: { 200: { description: "Everyone on the team", content: json(PeopleSchema) }, ...READ_ERRORS },
});

const one = createRoute({
  method: "get",
  path: "/api/people/{login}",
  tags,
  summary: "One person by GitHub login, any case (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { params: LoginParam, query },
  responses: {
    200: { description: "The person", content: json(PersonAnswerSchema) },
    ...READ_ERRORS,
    ...errorResponse(404, "No one on the team has this GitHub login"),
  },
});

// ---------------------------------------------------------------------- logic

/** What the optimizer said, or why it said nothing. */
type Asked<T> = { ref: OptimizerRef; value: T | null };

/** Asks the live optimizer once; a failure is kept in `ref.error`, never thrown. */
async function ask<T>(
  agent: AgentSnapshot | null,
  call: (agentId: string) => Promise<Outcome<T>>,
): Promise<Asked<T>> {
  if (!agent) return { ref: null, value: null };
  const ref = { agentId: agent.agentId, status: agent.status };
  try {
    return { ref: { ...ref, error: null }, value: unwrap(await call(agent.agentId)) };
  } catch (err) {
    return { ref: { ...ref, error: errorMessage(err) }, value: null };
  }
}

/** Open reviews per login (lower-case) and the capacity; null when no Review Manager answered. */
type Loads = { open: Map<string, number>; capacity: number } | null;

/** Where the member stands at `nowMs` and until when; null when their schedule cannot be read. */
function nowOf(team: readonly MemberAvailability[], a: MemberAvailability, nowMs: number): Person["now"] {
  const { recipient } = audienceOf(team, a.member.user, nowMs);
  if (!recipient) return null;
  try {
    const { state, untilMs } = presenceAt(recipient, nowMs);
    return { state, until: untilMs === null ? null : new Date(untilMs).toISOString() };
  } catch {
    return null;
  }
}

interface Extra {
  nowMs: number;
  team: readonly MemberAvailability[];
  loads: Loads;
}

function personView(
  a: MemberAvailability,
  state: PersonState | null,
  answered: boolean,
  extra: Extra,
): Person {
  const { member, notify } = a;
  const { loads } = extra;
  const absence = a.planned ?? a.ooo;
  return {
    login: member.github,
    user: member.user,
    lead: member.lead,
    tz: member.tz,
    localDate: a.localDate,
    workingHours: member.workingHours,
    outOfOffice: absence
      ? {
          from: absence.from,
          until: absence.until,
          active: a.ooo !== null,
          setBy: absence.setBy,
          setAt: absence.setAt,
        }
      : null,
    notify: {
      mode: notify.mode,
      windows: notify.windows,
      dailyCap: notify.dailyCap,
      focus: notify.focus,
      holidays: notify.holidays,
    },
    held: state?.held ?? [],
    // Someone the optimizer has not seen yet (just added) has nothing held and no counts.
    today:
      state?.today ?? (answered ? { sent: 0, held: 0, merged: 0, avoided: 0, focusInterruptions: 0 } : null),
    nextReleaseAt: state?.nextReleaseAt ?? null,
    now: nowOf(extra.team, a, extra.nowMs),
    reviews: loads
      ? { open: loads.open.get(member.github.toLowerCase()) ?? 0, capacity: loads.capacity }
      : null,
  };
}

const byLogin = (a: Person, b: Person) => a.login.toLowerCase().localeCompare(b.login.toLowerCase());

async function teamAndAgents(env: Env, tenant: string, nowMs: number) {
  return Promise.all([
    settings(env, tenant).availability(new Date(nowMs).toISOString()),
    liveOptimizer(env, tenant),
    currentReviewManager(env, tenant).catch(() => null),
  ]);
}

/** One queue read of the live Review Manager: open reviews per login; null on any failure. */
async function loadsOf(env: Env, rm: AgentSnapshot | null): Promise<Loads> {
  if (!rm) return null;
  try {
    const queue = unwrap(await reviewManagerAgent(env, rm.agentId).reviewQueue({}));
    const open = new Map<string, number>();
    for (const r of openReviews(queue.items)) {
      const key = r.login.toLowerCase();
      open.set(key, (open.get(key) ?? 0) + 1);
    }
    return { open, capacity: reviewConfigOf(rm.config).capacity };
  } catch {
    return null;
  }
}

async function people(env: Env, tenant: string) {
  const nowMs = Date.now();
  const [team, agent, rm] = await teamAndAgents(env, tenant, nowMs);
  const [asked, loads] = await Promise.all([
    ask(agent, (id) => contextOptimizerAgent(env, id).people()),
    loadsOf(env, rm),
  ]);
  const states = new Map((asked.value ?? []).map((s) => [personKey(s.user), s]));
  const extra = { nowMs, team, loads };
  return {
    generatedAt: new Date(nowMs).toISOString(),
    contextOptimizer: asked.ref,
    people: team
      .map((a) => personView(a, states.get(personKey(a.member.user)) ?? null, asked.value !== null, extra))
      .sort(byLogin),
  };
}

async function person(env: Env, tenant: string, login: string) {
  const nowMs = Date.now();
  const [team, agent, rm] = await teamAndAgents(env, tenant, nowMs);
  const wanted = login.toLowerCase();
  const found = team.find((a) => a.member.github.toLowerCase() === wanted);
  if (!found) throw new NotFoundError(`No one on the team has the GitHub login ${login}`);
  const [asked, loads] = await Promise.all([
    ask(agent, (id) => contextOptimizerAgent(env, id).person(found.member.user)),
    loadsOf(env, rm),
  ]);
  return {
    generatedAt: new Date(nowMs).toISOString(),
    contextOptimizer: asked.ref,
    // The optimizer answered null: they left the team between the two reads; nothing is held.
    person: personView(found, asked.value ?? null, asked.ref?.error === null, { nowMs, team, loads }),
  };
}

export function registerPeopleRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(list, async (c) => c.json(await people(c.env, currentTenant(c)), 200));
  app.openapi(one, async (c) =>
    c.json(await person(c.env, currentTenant(c), c.req.valid("param").login), 200),
  );
}
