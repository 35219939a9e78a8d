/**
 * TenantSettings `setMemberHours`: a member changes only their own working hours and/or zone,
 * validated like `team add` (400 naming the field, nothing stored); 404 for someone not on the team.
 * Also the moved pieces (the SLA rule of a scope, clearing the ops channel) keep their behaviour.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatUserRef } from "../../src/chat/platform";
import type { Outcome } from "../../src/platform/errors";
import { settings } from "../../src/settings/stub";

const BOB: ChatUserRef = { platform: "slack", id: "U0BOB", name: "bob" };
const MON_FRI = ["mon", "tue", "wed", "thu", "fri"] as const;

async function withBob(tenant: string) {
  const s = settings(env, tenant);
  expect(
    (await s.addMember({ user: BOB, github: "bob", tz: "Europe/Berlin", lead: true }, "slack:U0LEAD")).ok,
  ).toBe(true);
  return s;
}

type Issue = { field: string; message: string };

function issues(outcome: Outcome<unknown>): Issue[] {
  if (outcome.ok) throw new Error("expected a refusal");
  expect(outcome.error.status).toBe(400);
  return (outcome.error.details as { issues: Issue[] }).issues;
}

describe("setMemberHours", () => {
  it("changes the working hours, the zone or both, and keeps the rest of the record", async () => {
    const s = await withBob("member-hours");
    const before = await s.member(BOB);
    const hours = { days: [...MON_FRI], start: "08:00", end: "24:00" };
    const set = await s.setMemberHours(BOB, { workingHours: hours }, "slack:U0BOB");
    expect(set).toMatchObject({ ok: true, value: { member: { workingHours: hours, tz: "Europe/Berlin" } } });
    expect(set.ok && set.value.previous.workingHours).toEqual({
      days: [...MON_FRI],
      start: "09:00",
      end: "17:00",
    });
    const zoned = await s.setMemberHours(BOB, { tz: "Asia/Tokyo" }, "slack:U0BOB");
    expect(zoned.ok).toBe(true);
    const after = await s.member(BOB);
    expect(after).toMatchObject({
      github: "bob",
      lead: true,
      tz: "Asia/Tokyo",
      workingHours: hours,
      addedBy: "slack:U0LEAD",
      addedAt: before?.addedAt,
    });
    const both = await s.setMemberHours(
      BOB,
      { tz: "UTC", workingHours: { days: ["sat"], start: "10:00", end: "12:00" } },
      "x",
    );
    expect(both.ok && [both.value.member.tz, both.value.member.workingHours.days]).toEqual(["UTC", ["sat"]]);
  });

  it("refuses what does not validate, naming the field, and stores nothing", async () => {
    const s = await withBob("member-hours-bad");
    const before = await s.member(BOB);
    const backwards = await s.setMemberHours(
      BOB,
      { workingHours: { days: ["mon"], start: "17:00", end: "09:00" } },
      "x",
    );
    expect(issues(backwards)).toEqual([
      {
        field: "workingHours.end",
        message: "the working day ends after it starts (HH:MM-HH:MM, 24 h; the end may be 24:00)",
      },
    ]);
    const badTime = await s.setMemberHours(
      BOB,
      { workingHours: { days: ["mon"], start: "9:00", end: "17:00" } },
      "x",
    );
    expect(issues(badTime)[0]?.field).toBe("workingHours.start");
    const noDays = await s.setMemberHours(
      BOB,
      { workingHours: { days: [], start: "09:00", end: "17:00" } },
      "x",
    );
    expect(issues(noDays)[0]?.field).toBe("workingHours.days");
    expect(issues(await s.setMemberHours(BOB, { tz: "Mars/Olympus" }, "x"))[0]?.field).toBe("tz");
    expect(issues(await s.setMemberHours(BOB, {}, "x"))[0]?.field).toBe("workingHours");
    expect(await s.member(BOB)).toEqual(before);
  });

  it("answers 404 for someone not on the team, and stores nothing", async () => {
    const s = await withBob("member-hours-stranger");
    const carl: ChatUserRef = { platform: "slack", id: "U0CARL" };
    const outcome = await s.setMemberHours(carl, { tz: "UTC" }, "x");
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.status).toBe(404);
    expect(!outcome.ok && outcome.error.message).toMatch(/^You are not on the team yet: /);
    expect(await s.member(carl)).toBeNull();
    expect(await s.team()).toHaveLength(1);
  });

  it("team add with working hours is checked the same way", async () => {
    const s = settings(env, "member-hours-add");
    const added = await s.addMember(
      { user: BOB, github: "bob", workingHours: { days: ["mon"], start: "12:00", end: "12:00" } },
      "x",
    );
    expect(issues(added)[0]?.field).toBe("workingHours.end");
    expect(await s.member(BOB)).toBeNull();
  });
});

describe("moved out of TenantSettings", () => {
  it("setSla answers the rule it replaced, of the same scope in any case of label", async () => {
    const s = settings(env, "member-hours-sla");
    expect((await s.setSla({ hours: 4, repo: "acme/api", label: "Hotfix" }, "x")).ok).toBe(true);
    const again = await s.setSla({ hours: 2, repo: "acme/api", label: "hotfix" }, "x");
    expect(again.ok && again.value.previous).toMatchObject({ hours: 4, repo: "acme/api", label: "Hotfix" });
    const other = await s.setSla({ hours: 6, repo: "acme/api" }, "x");
    expect(other.ok && other.value.previous).toBeNull();
  });

  it("clearOpsChannel clears only the ops channel, 404 for another", async () => {
    const s = settings(env, "member-hours-ops");
    const ops = { platform: "slack", workspaceId: "T0MH", channelId: "C0OPS" } as const;
    expect((await s.setOpsChannel(ops, "x")).ok).toBe(true);
    const wrong = await s.clearOpsChannel({ ...ops, channelId: "C0OTHER" });
    expect(!wrong.ok && wrong.error.status).toBe(404);
    expect(await s.opsChannel()).toEqual(ops);
    const cleared = await s.clearOpsChannel(ops);
    expect(cleared.ok && cleared.value.channel).toEqual(ops);
    expect(await s.opsChannel()).toBeNull();
  });
});
