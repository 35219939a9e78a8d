import { describe, expect, it } from "vitest";
import { ACTION_VERBS, decodeAction, encodeAction, MAX_ACTION_LENGTH } from "../../src/chat/actions";
import { unmarked } from "../../src/chat/markup";
import { chatContext, click, idIn, run, shown, slack } from "./helpers";

describe("action ids", () => {
  it("encode compactly and decode back, for every verb", () => {
    expect(encodeAction("agent.pause", "agt_abc123")).toBe("fm1:agent.pause:agt_abc123");
    expect(encodeAction("status.refresh")).toBe("fm1:status.refresh:");
    expect(encodeAction("workflow.terminate", "wf_x1", "list")).toBe("fm1:workflow.terminate:wf_x1:list");
    expect(decodeAction("fm1:workflow.terminate:wf_x1:list")).toEqual({
      verb: "workflow.terminate",
      arg: "wf_x1",
      view: "list",
    });
    expect(ACTION_VERBS).toEqual([
      "agent.pause",
      "agent.resume",
      "agent.terminate",
      "workflow.terminate",
      "status.refresh",
      "digest.refresh",
      "review.claim",
      "review.reassign",
      "review.snooze",
      "review.block",
      "review.rebalance",
      "policy.promote",
      "me.windows",
      "link.github",
      "team.form",
    ]);
    const longest = encodeAction("agent.terminate", `agt_${"a".repeat(64)}`, "list");
    expect(longest.length).toBeLessThanOrEqual(MAX_ACTION_LENGTH);
    expect(() => encodeAction("agent.pause", "wf_wrong")).toThrow();
  });

  it("decode nothing malformed, unknown or of another version", () => {
    const bad: unknown[] = [
      "",
      "fm1",
      "fm1:agent.pause",
      "fm2:agent.pause:agt_abc",
      "fm1:agent.explode:agt_abc",
      "fm1:agent.pause:wf_abc",
      "fm1:agent.pause:agt_abc:grid",
      "fm1:agent.pause:agt_abc:list:extra",
      "fm1:toString:x",
      "fm1:__proto__:x",
      `fm1:agent.pause:agt_${"a".repeat(120)}`,
      42,
      null,
    ];
    for (const id of bad) expect(decodeAction(id), String(id)).toBeNull();
  });
});

describe("runAction", () => {
  it("pause -> resume round trip replaces the card with its new state and buttons", async () => {
    const ctx = chatContext("act-trip");
    const spawned = await run("agent spawn review-manager", ctx);
    const agentId = idIn(spawned, "agt");
    const pause = spawned.buttons.find((b) => b.label === "Pause");
    expect(pause?.action).toBe(`fm1:agent.pause:${agentId}`);

    const paused = await click(pause?.action ?? "", ctx);
    expect(paused.replaceOriginal).toBe(true);
    expect(unmarked(paused.text)).toContain("now **paused**");
    expect(paused.buttons.map((b) => b.label)).toEqual(["Resume", "Terminate"]);

    const resumed = await click(paused.buttons[0]?.action ?? "", ctx);
    expect(resumed.replaceOriginal).toBe(true);
    expect(unmarked(resumed.text)).toContain("now **running**");
    expect(resumed.buttons.map((b) => b.label)).toEqual(["Pause", "Terminate"]);

    // A stale button (already running) is answered privately and leaves the card alone.
    const stale = await click(`fm1:agent.resume:${agentId}`, ctx);
    expect(stale.replaceOriginal).toBe(false);
    expect(stale.ephemeral).toBe(true);
    expect(unmarked(stale.text)).toContain("Illegal transition running -> running");
  });

  it("a button on a list redraws the whole list", async () => {
    const ctx = chatContext("act-list");
    const a = idIn(await run("agent spawn review-manager", ctx), "agt");
    await run("agent spawn linear-state", ctx);
    const list = await run("agent list", ctx);
    const pauseA = list.buttons.find((b) => b.label === `Pause ${a}`);
    const after = await click(pauseA?.action ?? "", ctx);
    expect(after.replaceOriginal).toBe(true);
    expect(unmarked(after.text)).toContain(`Paused review-manager \`${a}\``);
    expect(after.title).toBe("Agents");
    expect(shown(after)).toContain("2 agents: 1 running, 1 paused");
    expect(after.buttons.map((b) => b.label)).toContain(`Resume ${a}`);

    const wf = idIn(await run("workflow create doomed", ctx), "wf");
    const wfList = await run("workflow list", ctx);
    const terminate = wfList.buttons.find((b) => b.action === `fm1:workflow.terminate:${wf}:list`);
    expect(terminate?.confirm).toContain("doomed");
    const ended = await click(terminate?.action ?? "", ctx);
    expect(ended.replaceOriginal).toBe(true);
    expect(ended.title).toBe("Workflows");
    expect(unmarked(ended.text)).toContain("**doomed**");
    expect(unmarked(ended.text)).toContain("terminated");
    const listed = ended.sections.slice(1).flatMap((sec) => sec.lines ?? []);
    expect(listed.some((l) => l.includes("Standing agents"))).toBe(true);
    expect(listed.some((l) => l.includes("doomed"))).toBe(false);
  });

  it("checks rights like the command and refreshes status", async () => {
    const tenant = "act-rights";
    const alice = chatContext(tenant);
    await run("team add <@U0ALICE|alice> github:alice --lead", alice);
    const agentId = idIn(await run("agent spawn context-optimizer", alice), "agt");
    const bob = chatContext(tenant, { actor: slack("U0BOB") });
    const refused = await click(`fm1:agent.terminate:${agentId}`, bob);
    expect(refused.title).toBe("Not allowed");
    expect(refused.replaceOriginal).toBe(false);
    const refreshed = await click("fm1:status.refresh:", bob);
    expect(refreshed.replaceOriginal).toBe(true);
    expect(refreshed.title).toBe("Foreman status");
    expect(shown(refreshed)).toContain("1 running");
  });

  it("answers malformed ids with a short private message, never a throw", async () => {
    const ctx = chatContext("act-bad");
    for (const id of ["garbage", "fm1:agent.pause:nope", "fm9:status.refresh:"]) {
      const reply = await click(id, ctx);
      expect(reply.ephemeral).toBe(true);
      expect(reply.replaceOriginal).toBeUndefined();
      expect(unmarked(reply.text)).toContain("no longer valid");
    }
    const unknown = await click("fm1:agent.pause:agt_gone", ctx);
    expect(unmarked(unknown.text)).toContain("No agent agt_gone in this workspace");
    expect(unknown.replaceOriginal).toBe(false);
  });
});
