/** Every command of the grammar answers something sensible, from its documented examples. */
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { COMMANDS } from "../../src/commands/grammar";
import { chatContext, run, shown } from "./helpers";

describe("every subcommand", () => {
  it("answers each grammar example with a real reply (no 'not available', no internal error)", async () => {
    const ctx = chatContext("cmd-every");
    // Something for the id-taking examples to act on is not needed: unknown ids must answer clearly too.
    for (const spec of COMMANDS) {
      for (const example of spec.examples) {
        const reply = await run(example.replace(/@alice/g, "<@U0ALICE|alice>"), ctx);
        const all = shown(reply);
        expect(reply.text, example).not.toBe("");
        expect(all, example).not.toContain("is not available yet.");
        expect(all, example).not.toContain("Something went wrong");
        expect(all, example).not.toMatch(/^Usage:/m);
      }
    }
  });

  it("answers unknown ids with what is wrong and where to look, privately", async () => {
    const ctx = chatContext("cmd-unknown");
    const wf = await run("status wf_nothere", ctx);
    expect(unmarked(wf.text)).toContain("No workflow wf_nothere in this workspace");
    expect(wf.ephemeral).toBe(true);
    expect(wf.tone).toBe("error");
    const agent = await run("agent pause agt_nothere", ctx);
    expect(unmarked(agent.text)).toContain("No agent agt_nothere in this workspace");
    const terminate = await run("workflow terminate wf_nothere", ctx);
    expect(unmarked(terminate.text)).toContain("No workflow wf_nothere");
    const spawn = await run("agent spawn review-manager --workflow wf_nothere", ctx);
    expect(unmarked(spawn.text)).toContain("No workflow wf_nothere");
  });

  it("turns a parse failure into usage and a suggestion", async () => {
    const reply = await run("team lsit", chatContext("cmd-parse"));
    expect(reply.tone).toBe("warning");
    expect(shown(reply)).toContain("Did you mean `/foreman team list`?");
  });
});
