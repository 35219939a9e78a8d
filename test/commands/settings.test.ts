import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_SLA_RULE, resolveSla } from "../../src/domain/sla";
import { settings } from "../../src/settings/stub";
import { nextRun } from "../../src/settings/time";
import { slack } from "./helpers";

const place = (channelId: string) => ({ platform: "slack" as const, workspaceId: "T0SET", channelId });
const unwrapped = <T>(o: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!o.ok) throw new Error(o.error.message);
  return o.value;
};

describe("TenantSettings: team", () => {
  it("adds members with defaults, updates them keeping what is left out, and keeps logins unique", async () => {
    const s = settings(env, "set-team");
    const added = unwrapped(
      await s.addMember({ user: slack("U0ANNA", "anna"), github: "anna" }, "slack:U0X"),
    );
    expect(added.previous).toBeNull();
    expect(added.member).toMatchObject({
      user: { platform: "slack", id: "U0ANNA", name: "anna" },
      github: "anna",
      tz: "UTC",
      lead: false,
      workingHours: { days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
      addedBy: "slack:U0X",
    });
    await s.addMember(
      { user: slack("U0ANNA"), github: "anna", tz: "Europe/Berlin", lead: true },
      "slack:U0X",
    );
    const again = unwrapped(await s.addMember({ user: slack("U0ANNA"), github: "anna-k" }, "slack:U0Y"));
    expect(again.member).toMatchObject({
      github: "anna-k",
      tz: "Europe/Berlin",
      lead: true,
      addedBy: "slack:U0X",
    });
    expect(again.member.user.name).toBe("anna");

    const taken = await s.addMember({ user: slack("U0BEN"), github: "ANNA-K" }, "slack:U0X");
    expect(taken).toMatchObject({ ok: false, error: { status: 409 } });
    const badZone = await s.addMember({ user: slack("U0BEN"), github: "ben", tz: "Mars/Olympus" }, "x");
    expect(badZone).toMatchObject({ ok: false, error: { status: 400 } });
    if (!badZone.ok) expect(badZone.error.message).toContain("tz");
    expect(await s.adminState(slack("U0ANNA"))).toMatchObject({ isLead: true, leads: [{ id: "U0ANNA" }] });
    expect((await s.memberByGithub("Anna-K"))?.user.id).toBe("U0ANNA");
    expect(await s.removeMember(slack("U0NOBODY"))).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("counts out-of-office inclusive of the last day, expired entries as back, in the member's zone", async () => {
    const s = settings(env, "set-ooo");
    await s.addMember({ user: slack("U0TOKYO"), github: "tokyo", tz: "Asia/Tokyo" }, "x");
    unwrapped(await s.setOoo(slack("U0TOKYO"), "2026-03-10", "x"));
    expect(await s.outOfOfficeOn("2026-03-10")).toHaveLength(1);
    expect(await s.outOfOfficeOn("2026-03-11")).toHaveLength(0);
    // 2026-03-10T16:00Z is already the 11th in Tokyo: back.
    const [late] = await s.availability("2026-03-10T16:00:00Z");
    expect(late).toMatchObject({ localDate: "2026-03-11", ooo: null });
    const [early] = await s.availability("2026-03-10T10:00:00Z");
    expect(early?.ooo?.until).toBe("2026-03-10");
    expect(unwrapped(await s.clearOoo(slack("U0TOKYO"), "2026-03-12")).cleared).toBeNull();
    unwrapped(await s.setOoo(slack("U0TOKYO"), null, "x"));
    expect(unwrapped(await s.clearOoo(slack("U0TOKYO"), "2030-01-01")).cleared).toMatchObject({
      until: null,
    });
    expect(await s.setOoo(slack("U0TOKYO"), "2026-02-30", "x")).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
  });
});

describe("TenantSettings: links, each tenant's own", () => {
  it("links a target to several channels; a delivery activates it for this tenant only, until the last unlink", async () => {
    const a = settings(env, "set-links-a");
    const b = settings(env, "set-links-b");
    const first = unwrapped(await a.link("github", "SetCo/API", place("C0ONE"), "x"));
    expect(first).toMatchObject({
      created: true,
      link: { target: "setco/api" },
      elsewhere: [],
      activeSince: null,
    });
    expect(unwrapped(await a.link("github", "setco/api", place("C0ONE"), "x")).created).toBe(false);
    expect(unwrapped(await a.link("github", "setco/api", place("C0TWO"), "x")).elsewhere).toHaveLength(1);
    unwrapped(await b.link("github", "setco/api", place("C0B"), "x"));
    unwrapped(await a.link("linear", "setq", place("C0ONE"), "x"));
    expect(await a.linksForChannel(place("C0ONE"))).toHaveLength(2);
    expect(await a.linksForTarget("github", "SETCO/API")).toHaveLength(2);

    const admit = (targets: string[]) => a.admitDelivery({ kind: "github", targets, via: "hook" });
    expect(unwrapped(await admit(["SetCo/API", "other/unlinked"]))).toEqual({
      linked: ["setco/api"],
      activated: ["setco/api"],
    });
    expect(unwrapped(await admit(["setco/api"]))).toEqual({ linked: ["setco/api"], activated: [] });
    expect(unwrapped(await admit(["other/unlinked"]))).toEqual({ linked: [], activated: [] });
    expect((await a.linkActivations("github")).map((x) => [x.target, x.via])).toEqual([
      ["setco/api", "hook"],
    ]);
    expect(unwrapped(await a.link("github", "setco/api", place("C0ONE"), "x")).activeSince).not.toBeNull();
    // Tenant B links the same repository: A's deliveries did nothing for B.
    expect(await b.linkActivations()).toEqual([]);

    expect(await a.unlink("github", "setco/api", place("C0NONE"))).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    unwrapped(await a.unlink("github", "setco/api", place("C0ONE")));
    expect(await a.linkActivations("github")).toHaveLength(1);
    unwrapped(await a.unlink("github", "setco/api", place("C0TWO")));
    expect(await a.linkActivations("github")).toEqual([]);
    expect(await a.link("github", "not a repo", place("C0ONE"), "x")).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
  });
});

describe("TenantSettings: SLA rules and digests", () => {
  it("has an 8 h default, replaces rules of the same scope, resolves the most specific", async () => {
    const s = settings(env, "set-sla");
    expect(await s.slaRules()).toEqual([expect.objectContaining({ hours: 8, isDefault: true, repo: null })]);
    unwrapped(await s.setSla({ hours: 8, repo: "Acme/API" }, "x"));
    unwrapped(await s.setSla({ hours: 4, label: "hotfix" }, "x"));
    unwrapped(await s.setSla({ hours: 2, repo: "acme/api", label: "Hotfix" }, "x"));
    const replaced = unwrapped(await s.setSla({ hours: 6, repo: "acme/api" }, "x"));
    expect(replaced.previous?.hours).toBe(8);
    const rules = await s.slaRules();
    expect(rules.map((r) => [r.repo, r.label, r.hours])).toEqual([
      ["acme/api", "Hotfix", 2],
      [null, "hotfix", 4],
      ["acme/api", null, 6],
      [null, null, 8],
    ]);
    expect((await s.slaFor("ACME/api", ["HOTFIX"])).hours).toBe(2);
    expect((await s.slaFor("other/repo", ["hotfix"])).hours).toBe(4);
    expect((await s.slaFor("acme/api", [])).hours).toBe(6);
    expect((await s.slaFor("other/repo", [])).isDefault).toBe(true);
    unwrapped(await s.setSla({ hours: 12 }, "x"));
    expect((await s.slaRules()).some((r) => r.isDefault)).toBe(false);
    expect(await s.setSla({ hours: 0 }, "x")).toMatchObject({ ok: false, error: { status: 400 } });
    const rule = (label: string, hours: number) => ({ ...DEFAULT_SLA_RULE, label, hours, isDefault: false });
    expect(resolveSla([rule("a", 5), rule("b", 1), DEFAULT_SLA_RULE], "x/y", ["a", "B"]).hours).toBe(1);
  });

  it("keeps one digest schedule per channel and computes the next run in the zone", async () => {
    const s = settings(env, "set-digest");
    const set = unwrapped(
      await s.setDigest(place("C0D"), { time: "09:30", tz: "Europe/Berlin", days: ["mon"] }, "x"),
    );
    expect(set.previous).toBeNull();
    unwrapped(await s.setDigest(place("C0D"), { time: "10:00", tz: "UTC", days: ["tue", "wed"] }, "x"));
    expect(await s.digestSchedules()).toEqual([
      expect.objectContaining({ time: "10:00", days: ["tue", "wed"] }),
    ]);
    expect(await s.setDigest(place("C0E"), { time: "25:00", tz: "UTC", days: ["mon"] }, "x")).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    unwrapped(await s.clearDigest(place("C0D")));
    expect(await s.digestFor(place("C0D"))).toBeNull();
    expect(await s.clearDigest(place("C0D"))).toMatchObject({ ok: false, error: { status: 404 } });
    // Monday 2026-11-23 08:00 in Berlin is 07:00Z: the 09:30 run is still ahead today.
    const monday = new Date("2026-11-23T07:00:00Z");
    expect(nextRun(monday, { time: "09:30", tz: "Europe/Berlin", days: ["mon"] })).toEqual({
      date: "2026-11-23",
      weekday: "mon",
    });
    expect(nextRun(monday, { time: "07:30", tz: "Europe/Berlin", days: ["mon"] })?.date).toBe("2026-11-30");
  });
});

describe("TenantSettings: durability", () => {
  it("keeps every kind of setting across a restart of the object", async () => {
    const tenant = "set-restart";
    const s = settings(env, tenant);
    await s.addMember({ user: slack("U0KEEP"), github: "keep", tz: "America/New_York", lead: true }, "x");
    await s.setOoo(slack("U0KEEP"), "2099-01-01", "x");
    await s.link("linear", "OPS", place("C0R"), "x");
    await s.setSla({ hours: 3, label: "p0" }, "x");
    await s.setDigest(place("C0R"), { time: "08:00", tz: "UTC", days: ["fri"] }, "x");
    await evictDurableObject(env.TENANT_SETTINGS.getByName(tenant));
    const fresh = settings(env, tenant);
    expect(await fresh.team()).toMatchObject([{ github: "keep", tz: "America/New_York", lead: true }]);
    expect(await fresh.outOfOfficeOn("2098-12-31")).toHaveLength(1);
    expect(await fresh.links()).toMatchObject([{ kind: "linear", target: "OPS" }]);
    expect((await fresh.slaFor("a/b", ["P0"])).hours).toBe(3);
    expect(await fresh.digestFor(place("C0R"))).toMatchObject({ time: "08:00", days: ["fri"] });
  });
});
