/** Planned out-of-office entries: `ooo [@user] from D [until D]`, shown ahead, in force from the first day. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { homeReply } from "../../src/integrations/slack/home";
import { settings } from "../../src/settings/stub";
import { chatContext, field, run, shown, slack } from "./helpers";

const at = (tenant: string, iso: string) => chatContext(tenant, { now: new Date(iso) });

/** A tenant with alice (lead, runs the commands) and fay on the team, both in UTC. */
async function team(tenant: string, iso: string) {
  const ctx = at(tenant, iso);
  await run("team add <@U0ALICE|alice> github:alice --lead", ctx);
  await run("team add <@U0FAY|fay> github:fay", ctx);
  return ctx;
}

async function fayAt(tenant: string, iso: string) {
  const all = await settings(env, tenant).availability(iso);
  return all.find((a) => a.member.user.id === "U0FAY");
}

describe("ooo from … until …: planned absences", () => {
  it("stores a future range: not in force today, in `planned`, shown as out from … until …", async () => {
    const tenant = "ooo-plan-future";
    const ctx = await team(tenant, "2027-01-04T12:00:00Z");
    const set = await run("ooo <@U0FAY|fay> from 2027-01-11 until 2027-01-15", ctx);
    expect(set.tone).toBe("success");
    expect(unmarked(set.text)).toBe(
      "<@U0FAY> is out of office from 2027-01-11 until 2027-01-15 (inclusive).",
    );
    expect(shown(set)).toContain("no new review requests for them in that time");
    expect(shown(set)).toContain("`/foreman back <@U0FAY>` cancels it.");

    const today = await fayAt(tenant, "2027-01-04T12:00:00Z");
    expect(today?.ooo).toBeNull();
    expect(today?.planned).toMatchObject({ from: "2027-01-11", until: "2027-01-15", user: { id: "U0FAY" } });
    expect(await settings(env, tenant).outOfOfficeOn("2027-01-04")).toHaveLength(0);

    const list = await run("team list", ctx);
    expect(unmarked(list.text)).toContain("0 out of office today");
    expect(list.sections[0]?.lines?.map(unmarked)).toContain(
      "<@U0FAY> · `fay` · UTC · out of office from 2027-01-11 until 2027-01-15",
    );
    const status = shown(await run("status", ctx));
    expect(status).toContain("Nobody is out of office today.");
    expect(status).toContain("Out of office later: <@U0FAY> (from 2027-01-11 until 2027-01-15)");
  });

  it("is in force on its first and its last day, not the day before or after", async () => {
    const tenant = "ooo-plan-edges";
    const ctx = await team(tenant, "2027-01-04T12:00:00Z");
    await run("ooo <@U0FAY|fay> from 2027-01-11 until 2027-01-15", ctx);
    const inForce = async (iso: string) => (await fayAt(tenant, iso))?.ooo !== null;
    expect(await inForce("2027-01-10T23:59:00Z")).toBe(false);
    expect(await inForce("2027-01-11T00:00:00Z")).toBe(true);
    expect(await inForce("2027-01-15T23:59:00Z")).toBe(true);
    expect(await inForce("2027-01-16T00:00:00Z")).toBe(false);
    expect((await fayAt(tenant, "2027-01-16T00:00:00Z"))?.planned).toBeNull();
    expect(await settings(env, tenant).outOfOfficeOn("2027-01-11")).toHaveLength(1);

    const firstDay = await run("team list", at(tenant, "2027-01-11T09:00:00Z"));
    expect(unmarked(firstDay.text)).toContain("1 out of office today");
    expect(firstDay.sections[0]?.lines?.map(unmarked)).toContain(
      "<@U0FAY> · `fay` · UTC · out of office until 2027-01-15",
    );
    expect(shown(await run("status", at(tenant, "2027-01-15T09:00:00Z")))).toContain(
      "Out of office today: <@U0FAY> (until 2027-01-15)",
    );
  });

  it("counts the first day in the person's own zone", async () => {
    const tenant = "ooo-plan-zone";
    const ctx = await team(tenant, "2027-01-04T12:00:00Z");
    await run("team add <@U0FAY|fay> github:fay --tz Asia/Tokyo", ctx);
    await run("ooo <@U0FAY|fay> from 2027-01-11", ctx);
    // 2027-01-10T16:00Z is already the 11th in Tokyo.
    expect((await fayAt(tenant, "2027-01-10T14:00:00Z"))?.ooo).toBeNull();
    expect((await fayAt(tenant, "2027-01-10T16:00:00Z"))?.ooo).toMatchObject({ from: "2027-01-11" });
  });

  it("for oneself and open-ended; replacing and `back` say what they change", async () => {
    const tenant = "ooo-plan-self";
    const ctx = await team(tenant, "2027-01-04T12:00:00Z");
    const open = await run("ooo from 2027-01-11", ctx);
    expect(open.text).toBe("You are out of office from 2027-01-11 until marked back (`/foreman back`).");
    expect(shown(open)).toContain("no new review requests for you in that time");
    const home = await homeReply(at(tenant, "2027-01-04T12:00:00Z"), () => {});
    expect(field(home, "Out of office")).toBe(
      "Available; out of office from 2027-01-11 until further notice",
    );

    const range = await run("ooo from 2027-01-11 until 2027-01-15", ctx);
    expect(range.text).toBe("You are out of office from 2027-01-11 until 2027-01-15 (inclusive).");
    expect(shown(range)).toContain("Replaces the earlier entry (from 2027-01-11 until back).");
    const now = await run("ooo until 2027-01-06", ctx);
    expect(now.text).toBe("You are out of office until 2027-01-06 (inclusive).");
    expect(shown(now)).toContain("Replaces the earlier entry (from 2027-01-11 until 2027-01-15).");

    await run("ooo from 2027-01-11 until 2027-01-15", ctx);
    const cancelled = await run("back", ctx);
    expect(cancelled.text).toBe(
      "You are no longer marked out of office from 2027-01-11 until 2027-01-15: the planned absence is cancelled.",
    );
    expect((await run("back", ctx)).text).toBe("You were not marked out of office.");
    const all = await settings(env, tenant).availability("2027-01-12T12:00:00Z");
    expect(all.every((a) => a.planned === null)).toBe(true);
  });

  it("a range that started already is in force now; its reply still names both days", async () => {
    const tenant = "ooo-plan-started";
    const ctx = await team(tenant, "2027-01-13T12:00:00Z");
    const set = await run("ooo <@U0FAY|fay> from 2027-01-11 until 2027-01-15", ctx);
    expect(unmarked(set.text)).toBe(
      "<@U0FAY> is out of office from 2027-01-11 until 2027-01-15 (inclusive).",
    );
    expect(shown(set)).not.toContain("cancels it");
    const fay = await fayAt(tenant, "2027-01-13T12:00:00Z");
    expect(fay?.ooo).toMatchObject({ from: "2027-01-11" });
    expect(fay?.planned).toEqual(fay?.ooo);
  });
});

describe("ooo from … until …: bad input changes nothing", () => {
  it("refuses a last day before the first, a range that has ended, and a date that does not exist", async () => {
    const tenant = "ooo-plan-bad";
    const ctx = await team(tenant, "2027-01-04T12:00:00Z");
    await run("ooo <@U0FAY|fay> until 2027-01-06", ctx);
    const kept = (await fayAt(tenant, "2027-01-04T12:00:00Z"))?.planned;
    expect(kept).toMatchObject({ from: null, until: "2027-01-06" });

    const backwards = await run("ooo <@U0FAY|fay> from 2027-01-15 until 2027-01-11", ctx);
    expect(backwards.tone).toBe("error");
    expect(unmarked(backwards.text)).toBe("The last day out (2027-01-11) is before the first (2027-01-15).");

    const ended = await run("ooo <@U0FAY|fay> from 2026-12-20 until 2027-01-03", ctx);
    expect(ended.tone).toBe("error");
    expect(unmarked(ended.text)).toBe(
      "2026-12-20 to 2027-01-03 has already ended (today is 2027-01-04 for them).",
    );

    const badDate = await run("ooo <@U0FAY|fay> from 2027-02-30 until 2027-03-02", ctx);
    // Refused by the parser (a usage reply), before anything reaches the handler.
    expect(badDate.tone).toBe("warning");
    expect(shown(badDate)).toContain('Invalid date "2027-02-30": that date does not exist');

    const badFrom = await run("ooo <@U0FAY|fay> from soon", ctx);
    expect(badFrom.tone).toBe("warning");
    expect(shown(badFrom)).toContain('Invalid date "soon"');

    expect((await fayAt(tenant, "2027-01-04T12:00:00Z"))?.planned).toEqual(kept);
  });

  it("TenantSettings refuses a last day before the first (400) and keeps the entry", async () => {
    const s = settings(env, "ooo-plan-api");
    await s.addMember({ user: slack("U0GUS"), github: "gus" }, "x");
    expect((await s.setOoo(slack("U0GUS"), "2027-01-15", "x", "2027-01-11")).ok).toBe(true);
    const refused = await s.setOoo(slack("U0GUS"), "2027-01-10", "x", "2027-01-11");
    expect(refused).toMatchObject({ ok: false, error: { status: 400 } });
    if (!refused.ok) expect(refused.error.message).toContain("until");
    expect(await s.setOoo(slack("U0GUS"), null, "x", "2027-02-30")).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    const [gus] = await s.availability("2027-01-04T12:00:00Z");
    expect(gus?.planned).toMatchObject({ from: "2027-01-11", until: "2027-01-15" });
  });
});
