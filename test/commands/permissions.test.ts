import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { configuredAdmins, FIRST_RUN_NOTE } from "../../src/commands/permissions";
import { chatContext, discord, run, shown, slack } from "./helpers";

const bob = slack("U0BOB", "bob");

describe("chat admin rights", () => {
  it("first run: anyone may configure, and the reply footer says so", async () => {
    const ctx = chatContext("perm-first", { actor: bob });
    const reply = await run("link github acme/first", ctx);
    expect(reply.tone).toBe("success");
    expect(reply.footer).toContain(FIRST_RUN_NOTE);
    expect(ctx.platformAdminCalls()).toBe(0);
    // Reads never carry the note.
    expect((await run("links", ctx)).footer).toBeUndefined();
  });

  it("after a lead exists, a non-admin is refused politely, naming the right and whom to ask", async () => {
    const tenant = "perm-lead";
    const alice = chatContext(tenant);
    await run("team add <@U0ALICE|alice> github:alice --lead", alice);
    const asBob = chatContext(tenant, { actor: bob });
    for (const text of [
      "sla set 8",
      "link linear ENG",
      "digest off",
      "workflow create x",
      "team remove <@U0ALICE>",
    ]) {
      const reply = await run(text, asBob);
      expect(reply.title, text).toBe("Not allowed");
      expect(reply.ephemeral, text).toBe(true);
      expect(shown(reply), text).toContain("needs chat admin rights");
      expect(shown(reply), text).toContain("Ask a lead: <@U0ALICE>.");
    }
    expect(asBob.platformAdminCalls()).toBe(5);
    // Reads stay open; the lead keeps full rights without a platform lookup.
    expect((await run("sla show", asBob)).title).toBe("Review SLA");
    const byLead = await run("sla set 8", alice);
    expect(byLead.tone).toBe("success");
    expect(byLead.footer).not.toContain(FIRST_RUN_NOTE);
    expect(alice.platformAdminCalls()).toBe(0);
  });

  it("FOREMAN_CHAT_ADMINS grants rights (plain ids and platform:id) and ends the first run", async () => {
    const adminsEnv = { FOREMAN_CHAT_ADMINS: " U0ROOT, discord:123456789012345678 " };
    expect(configuredAdmins({ ...chatContext("x").env, ...adminsEnv })).toEqual([
      { id: "U0ROOT" },
      { platform: "discord", id: "123456789012345678" },
    ]);
    const root = chatContext("perm-env", { actor: slack("U0ROOT"), env: adminsEnv });
    const ok = await run("sla set 5", root);
    expect(ok.tone).toBe("success");
    expect(ok.footer ?? "").not.toContain(FIRST_RUN_NOTE);
    const onDiscord = chatContext("perm-env", { actor: discord("123456789012345678"), env: adminsEnv });
    expect((await run("sla set 6", onDiscord)).tone).toBe("success");
    // No lead yet, but an admin is configured: not a first run for anyone else.
    const other = chatContext("perm-env", { actor: bob, env: adminsEnv });
    expect((await run("sla set 7", other)).title).toBe("Not allowed");
  });

  it("a platform admin (Slack admin/owner, Discord Manage Server) may, asked only when needed", async () => {
    const tenant = "perm-platform";
    await run("team add <@U0ALICE|alice> github:alice --lead", chatContext(tenant));
    const owner = chatContext(tenant, { actor: bob, platformAdmin: true });
    expect((await run("link github acme/platform", owner)).tone).toBe("success");
    expect(owner.platformAdminCalls()).toBe(1);
    await run("team list", owner);
    expect(owner.platformAdminCalls()).toBe(1);
    const broken = chatContext(tenant, { actor: bob, platformAdmin: new Error("slack down") });
    expect((await run("link github acme/broken", broken)).title).toBe("Not allowed");
  });

  it("ooo and back for oneself are open to anyone; for someone else they need rights", async () => {
    const tenant = "perm-ooo";
    await run("team add <@U0ALICE|alice> github:alice --lead", chatContext(tenant));
    const asBob = chatContext(tenant, { actor: bob });
    expect((await run("ooo <@U0BOB|bob> until 2099-01-02", asBob)).tone).toBe("success");
    expect((await run("back <@U0BOB>", asBob)).tone).toBe("success");
    expect(asBob.platformAdminCalls()).toBe(0);
    const other = await run("ooo <@U0ALICE>", asBob);
    expect(unmarked(other.text)).toBe("Only chat admins can mark someone else out of office.");
    expect(shown(other)).toContain("Anyone can mark themselves");
    // The same id on the other platform is someone else.
    const lookalike = chatContext(tenant, { actor: discord("123456789012345678") });
    expect((await run("ooo <@223456789012345678>", lookalike)).title).toBe("Not allowed");
  });
});
