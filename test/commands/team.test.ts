import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { settings } from "../../src/settings/stub";
import { chatContext, discord, field, run, shown } from "./helpers";

describe("team", () => {
  it("team add then team list shows alice with mention, login, zone, lead and availability", async () => {
    const ctx = chatContext("team-basic");
    const added = await run("team add <@U0ALICE|alice> github:alice", ctx);
    expect(unmarked(added.text)).toBe("Added <@U0ALICE> to the team as `alice`.");
    expect(field(added, "Time zone")).toBe("UTC");
    expect(shown(added)).toContain("set theirs with `--tz Europe/Berlin`");
    await run("team add <@U0BOB|bob> github:bob --tz Europe/Berlin --lead", ctx);
    const list = await run("team list", ctx);
    expect(list.ephemeral).toBe(true);
    expect(unmarked(list.text)).toBe("2 team members: 1 lead, 0 out of office today.");
    const lines = (list.sections[0]?.lines ?? []).map(unmarked);
    expect(lines).toContain("<@U0ALICE> · `alice` · UTC");
    expect(lines).toContain("<@U0BOB> · `bob` · Europe/Berlin · **lead**");
  });

  it("team add for an existing member updates them and says what changed; logins stay unique", async () => {
    const ctx = chatContext("team-update", { env: { FOREMAN_CHAT_ADMINS: "U0ALICE" } });
    await run("team add <@U0CARL|carl> github:carl --tz Asia/Tokyo --lead", ctx);
    const same = await run("team add <@U0CARL|carl> github:carl --lead", ctx);
    expect(unmarked(same.text)).toContain("already on the team with these settings");
    const update = await run("team add <@U0CARL|carl> github:carl-k", ctx);
    expect(unmarked(update.text)).toBe("Updated <@U0CARL>: GitHub `carl` → `carl-k`, no longer a lead.");
    expect(field(update, "Time zone")).toBe("Asia/Tokyo");
    const taken = await run("team add <@U0DORA|dora> github:Carl-K", ctx);
    expect(taken.tone).toBe("error");
    expect(unmarked(taken.text)).toBe("GitHub login `Carl-K` is already <@U0CARL>'s.");
    expect((await settings(env, "team-update").team()).map((m) => m.github)).toEqual(["carl-k"]);
  });

  it("team remove removes, and says so when the person is not on the team", async () => {
    const ctx = chatContext("team-remove");
    await run("team add <@U0EVE|eve> github:eve", ctx);
    expect(unmarked((await run("team remove <@U0EVE|eve>", ctx)).text)).toBe(
      "Removed <@U0EVE> (`eve`) from the team.",
    );
    const again = await run("team remove <@U0EVE|eve>", ctx);
    expect(unmarked(again.text)).toBe("<@U0EVE> is not on the team.");
    expect(again.ephemeral).toBe(true);
    expect(unmarked((await run("team list", ctx)).text)).toBe("No one on the team yet.");
  });

  it("stores the platform with the id: a Discord member is shown by name in Slack, mentioned in Discord", async () => {
    const tenant = "team-cross";
    const onDiscord = chatContext(tenant, { actor: discord("123456789012345678") });
    await run("team add <@223456789012345678> github:dee", onDiscord);
    expect((await run("team list", onDiscord)).sections[0]?.lines?.map(unmarked)).toEqual([
      "<@223456789012345678> · `dee` · UTC",
    ]);
    const onSlack = chatContext(tenant, { env: { FOREMAN_CHAT_ADMINS: "U0ALICE" } });
    expect((await run("team list", onSlack)).sections[0]?.lines?.map(unmarked)).toEqual([
      "223456789012345678 (Discord) · `dee` · UTC",
    ]);
    const [member] = await settings(env, tenant).team();
    expect(member?.user).toEqual({ platform: "discord", id: "223456789012345678" });
  });
});

describe("out of office", () => {
  it("ooo until a date (inclusive), shown in team list, then back", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const ctx = chatContext("ooo-basic", { now });
    await run("team add <@U0ALICE|alice> github:alice --lead", ctx);
    await run("team add <@U0FAY|fay> github:fay", ctx);
    const ooo = await run("ooo <@U0FAY|fay> until 2026-12-24", ctx);
    expect(unmarked(ooo.text)).toBe("<@U0FAY> is out of office until 2026-12-24 (inclusive).");
    expect((await run("team list", ctx)).sections[0]?.lines?.[1]).toContain("out of office until 2026-12-24");
    const lastDay = chatContext("ooo-basic", { now: new Date("2026-12-24T20:00:00Z") });
    expect(unmarked((await run("team list", lastDay)).text)).toContain("1 out of office today");
    const after = chatContext("ooo-basic", { now: new Date("2026-12-25T00:30:00Z") });
    expect(unmarked((await run("team list", after)).text)).toContain("0 out of office today");
    const back = await run("back <@U0FAY|fay>", ctx);
    expect(unmarked(back.text)).toBe("<@U0FAY> is back: no longer marked out of office.");
    expect(unmarked((await run("back <@U0FAY|fay>", ctx)).text)).toBe(
      "<@U0FAY> was not marked out of office.",
    );
  });

  it("ooo without a date lasts until back; a past date is refused", async () => {
    const ctx = chatContext("ooo-open", { now: new Date("2026-06-01T09:00:00Z") });
    const open = await run("ooo <@U0ALICE|alice>", ctx);
    expect(unmarked(open.text)).toContain("You are out of office until marked back");
    expect(shown(open)).toContain("You are not on the team yet");
    expect(await settings(env, "ooo-open").outOfOfficeOn("2099-01-01")).toHaveLength(1);
    const past = await run("ooo <@U0ALICE|alice> until 2026-05-31", ctx);
    expect(past.tone).toBe("error");
    expect(unmarked(past.text)).toBe("2026-05-31 is in the past (today is 2026-06-01 for you).");
    expect(unmarked((await run("back <@U0ALICE|alice>", ctx)).text)).toBe(
      "You are back: no longer marked out of office.",
    );
  });
});
