import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { linearStateAgent } from "../../../src/agents/linear-state";
import { listOutbox } from "../../../src/delivery/api";
import { CHANNEL, consume, harness, issueEvent, prEvent, REPO } from "./support";

describe("linear-state: Linear issue changes", () => {
  it("a state change of an issue with an open PR is posted to the team's channels, once", async () => {
    const h = await harness("ls-note");
    await h.inTurn(
      prEvent("opened", { title: "ENG-123: Fix the flaky retry test", draft: true }),
      issueEvent("create"),
    );
    expect(h.sent.map((d) => d.platform)).toEqual(["linear"]);

    const agent = linearStateAgent(env, h.agentId);
    expect((await agent.issuesForPr(REPO, 42))[0]?.issue).toMatchObject({
      identifier: "ENG-123",
      state: { name: "Todo", type: "unstarted" },
    });

    const update = issueEvent("update-state");
    await h.publish(update);
    await h.publish(update); // the same webhook delivered again (another event id)
    await h.settle();
    // The second is the same change (same key): the agent's delivery ledger records it once.
    const notes = h.sent.filter((d) => d.platform === "slack");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ action: "chat.postMessage", body: { channel: CHANNEL.channelId } });
    const text = String(notes[0]?.body.text);
    expect(text).toContain(
      "/flaky-retry-test-in-delivery-consumer|ENG-123> moved to *In Progress* — PR <https://github.com/acme/widgets/pull/42|acme/widgets#42>",
    );

    // Sent through the consumer, the note posts once.
    const posted = await consume(h, notes);
    expect(posted.map((r) => r.path)).toEqual(["/slack/api/chat.postMessage"]);
    expect((await agent.issuesForPr(REPO, 42))[0]?.issue?.state?.name).toBe("In Progress");
  });

  it("no note for issues without an open PR, for other changes, or when notifyStateChanges is off", async () => {
    const h = await harness("ls-quiet");
    await h.inTurn(
      issueEvent("update-state"), // no PR links it
      prEvent("opened", { title: "ENG-124 Tidy", draft: true }),
      prEvent("closed", { title: "ENG-124 Tidy", merged: false }),
      issueEvent("update-state", { identifier: "ENG-124" }), // its PR is closed
    );
    expect(h.sent.filter((d) => d.platform !== "linear")).toEqual([]);

    const off = await harness("ls-off", { notifyStateChanges: false });
    await off.inTurn(prEvent("opened", { title: "ENG-123 Fix", draft: true }), issueEvent("update-state"));
    expect(off.sent.filter((d) => d.platform !== "linear")).toEqual([]);
  });
});

describe("linear-state: demo mode", () => {
  it("without LINEAR_API_KEY the deliveries land in the outbox with action and inputs", async () => {
    const h = await harness("ls-demo");
    await h.inTurn(
      prEvent("opened", { branch: "eng-50-demo", draft: false }),
      prEvent("closed", { branch: "eng-50-demo", merged: true }),
    );
    expect(await consume(h, h.sent, false)).toEqual([]); // nothing reached the fake API

    const outbox = await listOutbox(env, h.tenant, { limit: 10 });
    const shown = outbox.map((e) => [e.platform, e.action, e.key, e.body]).reverse();
    expect(shown).toEqual([
      [
        "linear",
        "attachmentLinkURL",
        `linear:link:ENG-50:${REPO}#42`,
        {
          issueId: "ENG-50",
          url: `https://github.com/${REPO}/pull/42`,
          title: `${REPO}#42: Fix the flaky retry test`,
        },
      ],
      [
        "linear",
        "issueMoveToStateName",
        `linear:move:ENG-50:${REPO}#42:in_review`,
        { issueId: "ENG-50", stateName: "In Review", unlessStateTypes: ["completed", "canceled"] },
      ],
      [
        "linear",
        "issueMoveToStateName",
        `linear:move:ENG-50:${REPO}#42:done`,
        { issueId: "ENG-50", stateName: "Done", unlessStateTypes: ["completed"] },
      ],
    ]);
  });
});
