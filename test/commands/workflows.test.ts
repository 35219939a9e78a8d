import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { STANDING_WORKFLOW } from "../../src/agents/coordinator/standing";
import { coordinator } from "../../src/agents/coordinator/stub";
import { decodeAction } from "../../src/chat/actions";
import { unmarked } from "../../src/chat/markup";
import { unwrap } from "../../src/platform/errors";
import { chatContext, field, idIn, run, shown } from "./helpers";

describe("workflow commands", () => {
  it("workflow create answers the new id (text and field), announced, and the workflow exists", async () => {
    const ctx = chatContext("wf-create");
    const reply = await run("workflow create release-train --priority high", ctx);
    const id = idIn(reply, "wf");
    expect(unmarked(reply.text)).toContain(id);
    expect(field(reply, "Workflow id")).toBe(`\`${id}\``);
    expect(reply.ephemeral).toBe(false);
    expect(reply.tone).toBe("success");
    const stored = unwrap(await coordinator(env, "wf-create").getWorkflow(id));
    expect(stored).toMatchObject({
      name: "release-train",
      priority: "high",
      status: "active",
      tenant: "wf-create",
    });
    const terminate = reply.buttons.find((b) => b.label === "Terminate");
    expect(terminate?.confirm).toContain("release-train");
    expect(decodeAction(terminate?.action)).toEqual({ verb: "workflow.terminate", arg: id });
  });

  it("lists active workflows, shows one with its agents, terminates it (409 the second time)", async () => {
    const ctx = chatContext("wf-life");
    const id = idIn(await run('workflow create "release train"', ctx), "wf");
    await run(`agent spawn review-manager --workflow ${id}`, ctx);
    const list = await run("workflow list", ctx);
    expect(shown(list)).toContain("**release train**");
    expect(list.buttons.map((b) => decodeAction(b.action))).toContainEqual({
      verb: "workflow.terminate",
      arg: id,
      view: "list",
    });
    const status = await run(`status ${id}`, ctx);
    expect(shown(status)).toMatch(/review-manager — \*\*running\*\*/);
    expect(field(status, "Priority")).toBe("medium");
    const done = await run(`workflow terminate ${id}`, ctx);
    expect(done.ephemeral).toBe(false);
    expect(unmarked(done.text)).toContain("terminated");
    expect(shown(done)).toMatch(/review-manager — \*\*terminated\*\*/);
    const again = await run(`workflow terminate ${id}`, ctx);
    expect(unmarked(again.text)).toContain(
      `Workflow ${id} is terminated; only an active workflow can be terminated`,
    );
    expect(again.ephemeral).toBe(true);
    expect(shown(await run("workflow list", ctx))).toContain("No active workflows.");
  });
});

describe("agent commands", () => {
  it("spawns without --workflow into one reused 'Standing agents' workflow", async () => {
    const ctx = chatContext("ag-standing");
    const first = await run("agent spawn review-manager", ctx);
    const second = await run("agent spawn linear-state", ctx);
    expect(unmarked(first.text)).toContain(STANDING_WORKFLOW);
    const workflows = unwrap(await coordinator(env, "ag-standing").listWorkflows({}));
    expect(workflows.map((w) => w.name)).toEqual([STANDING_WORKFLOW]);
    expect(field(first, "Workflow")).toBe(field(second, "Workflow"));
    expect(workflows[0]?.agents).toHaveLength(2);
  });

  it("lists agents with buttons, pauses, resumes and terminates with clear answers", async () => {
    const ctx = chatContext("ag-life");
    const agentId = idIn(await run("agent spawn pattern-bridge", ctx), "agt");
    const list = await run("agent list", ctx);
    expect(unmarked(list.text)).toBe("1 agent: 1 running");
    expect(list.buttons.map((b) => b.label)).toEqual([`Pause ${agentId}`, `Terminate ${agentId}`]);
    const paused = await run(`agent pause ${agentId}`, ctx);
    expect(unmarked(paused.text)).toContain("now **paused**");
    expect(paused.buttons.map((b) => b.label)).toEqual(["Resume", "Terminate"]);
    const twice = await run(`agent pause ${agentId}`, ctx);
    expect(twice.tone).toBe("error");
    expect(unmarked(twice.text)).toContain("already paused");
    expect(unmarked((await run(`agent resume ${agentId}`, ctx)).text)).toContain("now **running**");
    const ended = await run(`agent terminate ${agentId}`, ctx);
    expect(ended.buttons).toEqual([]);
    expect(unmarked((await run("agent list", ctx)).text)).toContain("No live agents (1 terminated agent)");
  });
});

describe("status overview", () => {
  it("shows workflows, agents by status, team, this channel's links and digest, honestly about reviews", async () => {
    const ctx = chatContext("st-overview");
    expect(shown(await run("status", ctx))).toContain("No one on the team yet");
    await run('workflow create "ship it"', ctx);
    await run("agent spawn review-manager", ctx);
    await run("team add <@U0ALICE|alice> github:alice --lead", ctx);
    await run("link github acme/web", ctx);
    await run("link linear WEB", chatContext("st-overview", { channelId: "C0OTHER" }));
    await run("digest schedule 09:30 Europe/Berlin", ctx);
    const reply = await run("status", ctx);
    const all = shown(reply);
    // `link github` starts the standing agents (review-manager, linear-state, integration-dashboard,
    // context-optimizer, pattern-bridge).
    expect(unmarked(reply.text)).toBe("2 active workflows, 5 agents, 1 team member.");
    expect(all).toContain("**ship it**");
    expect(all).toContain("5 running, 0 paused");
    expect(all).toContain("Leads: <@U0ALICE>");
    expect(all).toContain("GitHub `acme/web`");
    expect(all).toContain("1 more link in other channels");
    expect(all).toContain("Digest: **09:30** Europe/Berlin, Mon-Fri");
    expect(all).toContain("/foreman review list");
    expect(reply.ephemeral).toBe(true);
    expect(decodeAction(reply.buttons[0]?.action)).toEqual({ verb: "status.refresh", arg: "" });
  });
});
