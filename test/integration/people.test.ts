/**
 * GET /api/people and GET /api/people/:login through the Worker with real API keys: a viewer reads
 * the team with its preferences and what the Context Optimizer holds; another tenant's people are
 * never visible; login lookup ignores case, unknown logins are 404 and bad ones 400; without a live
 * (or answering) optimizer the settings part still comes.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { settings } from "../../src/settings/stub";
import { errorOf, jsonOf, newKey, viaApp, viaWorker } from "../http/helpers";
import {
  ADA,
  addTeam,
  BOB,
  CARA,
  type Optimizer,
  REPO,
  routeMessages,
  spawnOptimizer,
  TODAY,
} from "./people-support";

interface Person {
  login: string;
  user: { platform: string; id: string; name?: string };
  lead: boolean;
  tz: string;
  localDate: string;
  workingHours: { days: string[]; start: string; end: string };
  outOfOffice: { from: string | null; until: string | null; active: boolean; setBy: string } | null;
  notify: {
    mode: string;
    windows: string[];
    dailyCap: number;
    focus: Array<{ days: string[]; start: string; end: string }>;
    holidays: Array<{ from: string; until: string }>;
  };
  held: Array<{
    key: string;
    kind: string;
    urgent: boolean;
    pr: { repo: string; number: number } | null;
    text: string;
    heldAt: string;
    releaseAt: string;
    reason: string;
  }>;
  today: Record<string, number> | null;
  nextReleaseAt: string | null;
  now: { state: string; until: string | null } | null;
  reviews: { open: number; capacity: number } | null;
}
type OptimizerRef = { agentId: string; status: string; error: string | null } | null;
interface PeopleBody {
  generatedAt: string;
  contextOptimizer: OptimizerRef;
  people: Person[];
}
interface PersonBody {
  generatedAt: string;
  contextOptimizer: OptimizerRef;
  person: Person;
}

const A = "it-people-a";
const B = "it-people-b";
const NONE = "it-people-none";

describe("GET /api/people", () => {
  let viewerA = "";
  let viewerB = "";
  let optimizer: Optimizer;
  let tz = "";

  beforeAll(async () => {
    viewerA = (await newKey(A, "viewer")).key;
    viewerB = (await newKey(B, "viewer")).key;
    tz = await addTeam(A);
    const s = settings(env, A);
    expect(
      (await s.setTeamNotify({ addHoliday: { from: "2031-12-24", until: "2031-12-26" } }, "test")).ok,
    ).toBe(true);
    expect(
      (await s.setNotifyPrefs(BOB, { addHoliday: { from: "2031-08-01", until: "2031-08-02" } }, "t")).ok,
    ).toBe(true);
    expect((await s.setOoo(CARA, "2031-03-10", "test", "2031-03-01")).ok).toBe(true);
    optimizer = await spawnOptimizer(A);
    await routeMessages(optimizer);
  });

  it("needs a key", async () => {
    for (const path of ["/api/people", "/api/people/ada-l"]) {
      const res = await viaWorker(path, { key: null });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect((await errorOf(res)).code).toBe("unauthorized");
    }
  });

  it("shows a viewer everyone, with preferences, held items and today's counts", async () => {
    const res = await viaWorker("/api/people", { key: viewerA });
    expect(res.status).toBe(200);
    const body = await jsonOf<PeopleBody>(res);
    expect(body.contextOptimizer).toEqual({ agentId: optimizer.agentId, status: "running", error: null });
    expect(body.people.map((p) => p.login)).toEqual(["Ada-L", "bob-k", "cara-m"]);
    const [ada, bob, cara] = body.people;
    for (const p of body.people) {
      expect(p.tz).toBe(tz);
      expect(p.workingHours).toEqual({
        days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        start: "08:00",
        end: "16:00",
      });
      expect(p.today).toEqual(TODAY[p.login as keyof typeof TODAY]);
    }
    expect(ada?.user).toEqual(ADA);
    expect(ada?.notify).toMatchObject({
      mode: "immediate",
      focus: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "24:00" }],
      holidays: [{ from: "2031-12-24", until: "2031-12-26" }],
    });
    expect(ada?.held).toHaveLength(1);
    expect(ada?.held[0]).toMatchObject({
      key: `test:people:${ADA.id}:1`,
      kind: "review",
      urgent: false,
      pr: { repo: REPO, number: 1 },
      reason: "focus",
    });
    expect(ada?.held[0]?.text).toContain("#1");
    expect(ada?.nextReleaseAt).toBe(ada?.held[0]?.releaseAt);
    expect(Date.parse(ada?.nextReleaseAt ?? "")).toBeGreaterThan(Date.now());

    // Bob: the team's holidays first, then his own; nothing held.
    expect(bob?.notify.holidays).toEqual([
      { from: "2031-12-24", until: "2031-12-26" },
      { from: "2031-08-01", until: "2031-08-02" },
    ]);
    expect(bob?.notify).toMatchObject({ mode: "immediate", focus: [], dailyCap: expect.any(Number) });
    expect(bob?.held).toEqual([]);
    expect(bob?.nextReleaseAt).toBeNull();

    // Cara: a planned absence, the team's default mode, no messages.
    expect(cara?.user).toEqual(CARA);
    expect(cara?.outOfOffice).toMatchObject({ from: "2031-03-01", until: "2031-03-10", active: false });
    expect(cara?.notify.mode).toBe("batched");
    expect(cara?.notify.windows.length).toBeGreaterThan(0);
    expect(cara?.held).toEqual([]);

    // Where each stands now: Ada is in an all-day focus block, Bob and Cara at work (noon, every
    // day 08-16); no Review Manager in this tenant, so no reviews against capacity.
    expect(ada?.now?.state).toBe("focus");
    expect(Date.parse(ada?.now?.until ?? "")).toBeGreaterThan(Date.now());
    expect(bob?.now).toEqual({ state: "working", until: null });
    expect(cara?.now).toEqual({ state: "working", until: null });
    for (const p of body.people) expect(p.reviews).toBeNull();
  });

  it("finds one person by login in any case", async () => {
    for (const login of ["Ada-L", "ada-l", "ADA-L"]) {
      const res = await viaWorker(`/api/people/${login}`, { key: viewerA });
      expect(res.status, login).toBe(200);
      const body = await jsonOf<PersonBody>(res);
      expect(body.person.login).toBe("Ada-L");
      expect(body.person.held.map((h) => h.pr?.number)).toEqual([1]);
      expect(body.person.today).toEqual(TODAY["Ada-L"]);
      expect(body.contextOptimizer?.agentId).toBe(optimizer.agentId);
    }
  });

  it("answers 404 for a login no one on the team has", async () => {
    const res = await viaWorker("/api/people/nobody-here", { key: viewerA });
    expect(res.status).toBe(404);
    const err = await errorOf(res);
    expect(err.code).toBe("not_found");
    expect(err.message).toBe("No one on the team has the GitHub login nobody-here");
  });

  it("answers 400 naming login for a login GitHub would not allow", async () => {
    for (const login of ["-ada", "ada--l", "ada_l", "a".repeat(40), "%3Cscript%3E"]) {
      const res = await viaWorker(`/api/people/${login}`, { key: viewerA });
      expect(res.status, login).toBe(400);
      const err = await errorOf(res);
      expect(err.code).toBe("validation_failed");
      expect(err.details?.issues?.map((i) => i.field)).toEqual(["login"]);
    }
  });

  it("never shows another tenant's people, whatever tenant the request names", async () => {
    for (const init of [{ key: viewerB }, { key: viewerB, headers: { "X-Foreman-Tenant": A } }]) {
      const list = await jsonOf<PeopleBody>(await viaWorker(`/api/people?tenant=${A}`, init));
      expect(list.people).toEqual([]);
      expect(list.contextOptimizer).toBeNull();
      const one = await viaWorker(`/api/people/Ada-L?tenant=${A}`, init);
      expect(one.status).toBe(404);
      expect((await errorOf(one)).message).toBe("No one on the team has the GitHub login Ada-L");
    }
  });

  it("lets the bootstrap key name the tenant", async () => {
    const res = await viaWorker("/api/people/bob-k", { headers: { "X-Foreman-Tenant": A } });
    expect(res.status).toBe(200);
    expect((await jsonOf<PersonBody>(res)).person.user).toEqual(BOB);
  });

  it("still answers the settings part when the optimizer does not answer", async () => {
    const failing = {
      getByName: () => ({
        people: async () => {
          throw new Error("optimizer down");
        },
        person: async () => {
          throw new Error("optimizer down");
        },
      }),
    } as unknown as Env["CONTEXT_OPTIMIZER"];
    const list = await viaApp("/api/people", { key: viewerA }, { CONTEXT_OPTIMIZER: failing });
    expect(list.status).toBe(200);
    const body = await jsonOf<PeopleBody>(list);
    expect(body.contextOptimizer).toMatchObject({ agentId: optimizer.agentId, error: "optimizer down" });
    expect(body.people.map((p) => [p.login, p.today, p.held, p.nextReleaseAt])).toEqual([
      ["Ada-L", null, [], null],
      ["bob-k", null, [], null],
      ["cara-m", null, [], null],
    ]);
    const one = await viaApp("/api/people/cara-m", { key: viewerA }, { CONTEXT_OPTIMIZER: failing });
    expect(one.status).toBe(200);
    const person = await jsonOf<PersonBody>(one);
    expect(person.contextOptimizer?.error).toBe("optimizer down");
    expect(person.person).toMatchObject({ login: "cara-m", today: null, held: [] });
  });
});

describe("GET /api/people without a Context Optimizer", () => {
  it("answers the team from the settings and starts no agent", async () => {
    const { key } = await newKey(NONE, "viewer");
    expect(
      (await settings(env, NONE).addMember({ user: ADA, github: "Ada-L", tz: "Europe/Berlin" }, "test")).ok,
    ).toBe(true);
    const body = await jsonOf<PeopleBody>(await viaWorker("/api/people", { key }));
    expect(body.contextOptimizer).toBeNull();
    expect(body.people).toHaveLength(1);
    expect(body.people[0]).toMatchObject({
      login: "Ada-L",
      tz: "Europe/Berlin",
      outOfOffice: null,
      held: [],
      today: null,
      nextReleaseAt: null,
      notify: { mode: "batched", focus: [], holidays: [] },
    });
    const agents = await viaWorker("/api/agents", { key });
    expect((await jsonOf<{ agents: unknown[] }>(agents)).agents).toEqual([]);
  });
});
