/**
 * Structured logs (src/observability/logger.ts): JSON shape, LOG_LEVEL filtering, scope fields, the
 * request log line, and the correlation id carried from an HTTP request into an agent's lines and
 * from a delivery into the consumer's lines.
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AgentSnapshot, Workflow } from "../../src/agents/model";
import { withLogScope } from "../../src/observability/context";
import { enabled, minimumLevel } from "../../src/observability/levels";
import { logger } from "../../src/observability/logger";
import { delivery, runQueue } from "../delivery/support";
import { waitFor } from "../helpers/wait";
import { buildRequest, type CallInit, jsonOf, newKey } from "../http/helpers";

type Line = Record<string, unknown>;
const METHODS = ["log", "info", "warn", "error", "debug"] as const;

/** Captures (and silences) console output; `lines()` are the JSON lines, with the method used. */
function captureConsole() {
  const raw: { method: string; text: string }[] = [];
  const spies = METHODS.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      raw.push({ method, text: args.map((a) => (typeof a === "string" ? a : String(a))).join(" ") });
    }),
  );
  return {
    raw,
    lines(): (Line & { _method: string })[] {
      return raw.flatMap(({ method, text }) => {
        try {
          const parsed: unknown = JSON.parse(text);
          return parsed && typeof parsed === "object" ? [{ ...(parsed as Line), _method: method }] : [];
        } catch {
          return [];
        }
      });
    },
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

let capture: ReturnType<typeof captureConsole> | undefined;
afterEach(() => {
  capture?.restore();
  capture = undefined;
});

async function eventually(check: () => boolean): Promise<void> {
  await waitFor(() => {
    if (!check()) throw new Error("condition not met");
  });
}

const call = (path: string, init: CallInit & { correlationId?: string } = {}) => {
  const request = buildRequest(path, init);
  if (init.correlationId) request.headers.set("X-Correlation-Id", init.correlationId);
  return exports.default.fetch(request);
};

describe("logger", () => {
  it("writes one JSON object per line: ts, level, msg, component and the fields", () => {
    capture = captureConsole();
    const log = logger("test.shape");
    log.info("hello", { answer: 42, nested: { list: [1, 2] } });
    log.warn("careful");
    log.error("broken", { error: new TypeError("bad input") });
    const lines = capture.lines();
    expect(capture.raw).toHaveLength(3);
    expect(lines).toHaveLength(3);
    const [info, warn, error] = lines;
    expect(info).toMatchObject({
      level: "info",
      msg: "hello",
      component: "test.shape",
      answer: 42,
      nested: { list: [1, 2] },
      _method: "log",
    });
    expect(new Date(String(info?.ts)).toISOString()).toBe(info?.ts);
    expect(Object.keys(info ?? {}).slice(0, 4)).toEqual(["ts", "level", "msg", "component"]);
    expect(warn).toMatchObject({ level: "warn", msg: "careful", _method: "warn" });
    expect(error).toMatchObject({
      level: "error",
      _method: "error",
      error: { name: "TypeError", message: "bad input" },
    });
  });

  it("filters by LOG_LEVEL: info by default, an unknown value counts as info", async () => {
    capture = captureConsole();
    const log = logger("test.levels");
    const levelsAt = async (LOG_LEVEL: string | undefined) => {
      const before = capture?.lines().length ?? 0;
      await withLogScope({ LOG_LEVEL }, undefined, {}, async () => {
        log.debug("d");
        log.info("i");
        log.warn("w");
        log.error("e");
      });
      return capture
        ?.lines()
        .slice(before)
        .filter((l) => l.component === "test.levels")
        .map((l) => l.level);
    };
    expect(await levelsAt(undefined)).toEqual(["info", "warn", "error"]);
    expect(await levelsAt("debug")).toEqual(["debug", "info", "warn", "error"]);
    expect(await levelsAt("warn")).toEqual(["warn", "error"]);
    expect(await levelsAt("error")).toEqual(["error"]);
    expect(await levelsAt("loud")).toEqual(["info", "warn", "error"]);
    expect(minimumLevel(" DEBUG ")).toBe("debug");
    expect(enabled("info", "warn")).toBe(false);
  });

  it("reads a changed LOG_LEVEL of the same env (the level is kept per env, not fixed)", async () => {
    capture = captureConsole();
    const log = logger("test.level-change");
    const scopeEnv: { LOG_LEVEL?: string } = { LOG_LEVEL: "error" };
    await withLogScope(scopeEnv, undefined, {}, async () => {
      log.info("hidden");
      scopeEnv.LOG_LEVEL = "info";
      log.info("shown");
      scopeEnv.LOG_LEVEL = "warn";
      log.info("hidden again");
    });
    const shown = capture.lines().filter((l) => l.component === "test.level-change");
    expect(shown.map((l) => l.msg)).toEqual(["shown"]);
  });

  it("stamps the scope's correlation id and tenant; a line's own fields and child fields win", async () => {
    capture = captureConsole();
    const log = logger("test.scope");
    await withLogScope({}, undefined, { correlationId: "scope-cid", tenant: "scope-tenant" }, async () => {
      log.info("from scope");
      await Promise.resolve();
      log.info("own fields", { correlationId: "own-cid", tenant: "own-tenant" });
      log.child({ tenant: "child-tenant", workflowId: "wf_1" }).info("child");
    });
    log.info("outside");
    // Only this test's lines: background work of other files logs to the same console.
    const [a, b, c, d] = capture.lines().filter((l) => l.component === "test.scope");
    expect(a).toMatchObject({ correlationId: "scope-cid", tenant: "scope-tenant" });
    expect(b).toMatchObject({ correlationId: "own-cid", tenant: "own-tenant" });
    expect(c).toMatchObject({ correlationId: "scope-cid", tenant: "child-tenant", workflowId: "wf_1" });
    expect(d).not.toHaveProperty("correlationId");
  });

  it("never throws, whatever the fields", () => {
    capture = captureConsole();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const hostile = {};
    Object.defineProperty(hostile, "boom", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    });
    const log = logger("test.safe");
    expect(() => log.info("cyclic", { cyclic, big: 10n, fn: () => 1 })).not.toThrow();
    expect(() => log.info("hostile", hostile)).not.toThrow();
    const [line] = capture.lines().filter((l) => l.component === "test.safe");
    expect(line).toMatchObject({ msg: "cyclic", cyclic: { name: "loop", self: "[cycle]" }, big: "10" });
    expect(line).not.toHaveProperty("fn");
  });
});

describe("the request log line", () => {
  const TENANT = "obs-logs-http";
  let operator = "";
  beforeAll(async () => {
    operator = (await newKey(TENANT, "operator")).key;
  });

  it("names method, route, status, duration, correlation id and tenant; never headers or bodies", async () => {
    capture = captureConsole();
    const res = await call("/api/workflows/create", {
      key: operator,
      body: { name: "body-marker-3f9c" },
      correlationId: "obs-http-1",
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("X-Correlation-Id")).toBe("obs-http-1");
    const line = capture.lines().find((l) => l.msg === "http.request" && l.correlationId === "obs-http-1");
    expect(line).toMatchObject({
      level: "info",
      component: "http",
      method: "POST",
      route: "/api/workflows/create",
      path: "/api/workflows/create",
      status: 201,
      tenant: TENANT,
    });
    expect(typeof line?.durationMs).toBe("number");
    const all = capture.raw.map((r) => r.text).join("\n");
    expect(all).not.toContain("body-marker-3f9c");
    expect(all).not.toContain(operator);
    expect(all.toLowerCase()).not.toContain("content-type");
  });

  it("logs a failed request at its status, with a fresh correlation id when none is given", async () => {
    capture = captureConsole();
    const res = await call("/api/workflows", { key: "fmn_not-a-real-key-000000000" });
    expect(res.status).toBe(401);
    const cid = res.headers.get("X-Correlation-Id");
    const line = capture.lines().find((l) => l.msg === "http.request" && l.correlationId === cid);
    expect(line).toMatchObject({ method: "GET", route: "/api/workflows", status: 401 });
    expect(line).not.toHaveProperty("tenant");
  });
});

describe("the correlation id across paths", () => {
  const TENANT = "obs-logs-corr";
  let operator = "";
  beforeAll(async () => {
    operator = (await newKey(TENANT, "operator")).key;
  });

  it("a message sent over HTTP: the agent's lines carry the request's correlation id", async () => {
    const wf = await jsonOf<Workflow>(
      await call("/api/workflows/create", { key: operator, body: { name: "w" } }),
    );
    const spawned = await call("/api/agents/spawn", {
      key: operator,
      body: { type: "context-optimizer", workflowId: wf.workflowId },
      correlationId: "obs-spawn-1",
    });
    expect(spawned.status).toBe(201);
    const agent = await jsonOf<AgentSnapshot>(spawned);

    capture = captureConsole();
    const sent = await call(`/api/agents/message/${agent.agentId}`, {
      key: operator,
      body: { type: "ping", payload: { note: "hi" } },
      correlationId: "obs-agent-1",
    });
    expect(sent.status).toBe(202);
    const fromAgent = () =>
      capture?.lines().find((l) => l.component === "agent" && l.correlationId === "obs-agent-1");
    await eventually(() => fromAgent() !== undefined);
    expect(fromAgent()).toMatchObject({
      level: "info",
      kind: "message",
      msg: "ping from api",
      agentId: agent.agentId,
      agentType: "context-optimizer",
      tenant: TENANT,
    });
    expect(
      capture.lines().find((l) => l.msg === "http.request" && l.correlationId === "obs-agent-1"),
    ).toMatchObject({ route: "/api/agents/message/:id", status: 202, tenant: TENANT });
  });

  it("a delivery: the consumer's lines carry the delivery's correlation id and tenant", async () => {
    capture = captureConsole();
    const message = delivery({
      tenant: TENANT,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "hello" },
      correlationId: "obs-delivery-1",
    });
    const run = await runQueue({ ...env, SLACK_BOT_TOKEN: undefined }, [{ body: message }]);
    expect(run.acked).toHaveLength(1);
    // This delivery's line: the real queue consumer may be delivering other files' messages meanwhile.
    const line = capture
      .lines()
      .find((l) => l.component === "delivery.consumer" && l.correlationId === "obs-delivery-1");
    expect(line).toMatchObject({
      msg: "delivery.local",
      correlationId: "obs-delivery-1",
      tenant: TENANT,
      deliveryId: message.id,
      platform: "slack",
    });
  });
});
