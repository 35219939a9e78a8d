/**
 * `GET /api/people` and `GET /api/people/:login` (viewer): the team as Foreman reaches it — each
 * person's GitHub login, chat user, zone, working hours, out-of-office and notify preferences (from
 * TenantSettings), and what the Context Optimizer holds for them, today's counts and their next
 * release. Costs stay flat as the team grows: one settings read, one Coordinator lookup (in
 * parallel) and one optimizer call per request, never one per person. Nothing is started: without a
 * live Context Optimizer (or when it does not answer) the settings part still comes, `held` empty
 * and `today` null.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { contextOptimizerAgent, type PersonState } from "../../agents/context-optimizer";
import { personKey } from "../../agents/context-optimizer/route";
import type { AgentSnapshot } from "../../agents/model";
import type { Env } from "../../env";
import { errorMessage, NotFoundError, type Outcome, unwrap } from "../../platform/errors";
import type { MemberAvailability } from "../../settings/model";
import { settings } from "../../settings/stub";
import { currentTenant, guard } from "../middleware/auth";
import { errorResponse, json, READ_ERRORS, security } from "../openapi";
import { liveOptimizer } from "../optimizer";
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

function personView(a: MemberAvailability, state: PersonState | null, answered: boolean): Person {
  const { member, notify } = a;
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
  };
}

const byLogin = (a: Person, b: Person) => a.login.toLowerCase().localeCompare(b.login.toLowerCase());

async function teamAndOptimizer(env: Env, tenant: string) {
  return Promise.all([
    settings(env, tenant).availability(new Date().toISOString()),
    liveOptimizer(env, tenant),
  ]);
}

async function people(env: Env, tenant: string) {
  const [team, agent] = await teamAndOptimizer(env, tenant);
  const asked = await ask(agent, (id) => contextOptimizerAgent(env, id).people());
  const states = new Map((asked.value ?? []).map((s) => [personKey(s.user), s]));
  return {
    generatedAt: new Date().toISOString(),
    contextOptimizer: asked.ref,
    people: team
      .map((a) => personView(a, states.get(personKey(a.member.user)) ?? null, asked.value !== null))
      .sort(byLogin),
  };
}

async function person(env: Env, tenant: string, login: string) {
  const [team, agent] = await teamAndOptimizer(env, tenant);
  const wanted = login.toLowerCase();
  const found = team.find((a) => a.member.github.toLowerCase() === wanted);
  if (!found) throw new NotFoundError(`No one on the team has the GitHub login ${login}`);
  const asked = await ask(agent, (id) => contextOptimizerAgent(env, id).person(found.member.user));
  return {
    generatedAt: new Date().toISOString(),
    contextOptimizer: asked.ref,
    // The optimizer answered null: they left the team between the two reads; nothing is held.
    person: personView(found, asked.value ?? null, asked.ref?.error === null),
  };
}

export function registerPeopleRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(list, async (c) => c.json(await people(c.env, currentTenant(c)), 200));
  app.openapi(one, async (c) =>
    c.json(await person(c.env, currentTenant(c), c.req.valid("param").login), 200),
  );
}
