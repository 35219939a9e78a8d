/**
 * The team's version stamp (issue 17): `teamSince` sends the members only when the caller's stamp is
 * not the current one, and every write to a member moves the stamp; `teamOf` keeps the isolate's copy
 * while the stamp holds and always answers the team as it is.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatUserRef } from "../../src/chat/platform";
import { settings } from "../../src/settings/stub";
import { teamOf } from "../../src/settings/team";

const ANN: ChatUserRef = { platform: "slack", id: "U0ANN", name: "ann" };
const BOB: ChatUserRef = { platform: "slack", id: "U0BOB", name: "bob" };

describe("the team's version stamp", () => {
  it("answers the members only when they changed since the caller's stamp", async () => {
    const s = settings(env, "team-version");
    const empty = await s.teamSince(null);
    expect(empty.members).toEqual([]);
    expect(await s.teamSince(empty.version)).toEqual({ version: empty.version, members: null });

    expect((await s.addMember({ user: ANN, github: "ann", tz: "UTC", lead: false }, "test")).ok).toBe(true);
    const one = await s.teamSince(empty.version);
    expect(one.version).not.toBe(empty.version);
    expect(one.members?.map((m) => m.github)).toEqual(["ann"]);
    expect((await s.teamSince(one.version)).members).toBeNull();

    expect((await s.setMemberHours(ANN, { tz: "Europe/Berlin" }, "test")).ok).toBe(true);
    const changed = await s.teamSince(one.version);
    expect(changed.members?.map((m) => m.tz)).toEqual(["Europe/Berlin"]);

    expect((await s.removeMember(ANN)).ok).toBe(true);
    const gone = await s.teamSince(changed.version);
    expect(gone.members).toEqual([]);
  });

  it("teamOf answers the current team after every change, from the kept copy in between", async () => {
    const tenant = "team-of";
    const s = settings(env, tenant);
    expect(await teamOf(env, tenant)).toEqual([]);
    expect((await s.addMember({ user: ANN, github: "ann", tz: "UTC", lead: false }, "test")).ok).toBe(true);
    expect((await teamOf(env, tenant)).map((m) => m.github)).toEqual(["ann"]);
    expect((await teamOf(env, tenant)).map((m) => m.github)).toEqual(["ann"]);
    expect((await s.addMember({ user: BOB, github: "bob", tz: "UTC", lead: true }, "test")).ok).toBe(true);
    expect((await teamOf(env, tenant)).map((m) => [m.github, m.lead])).toEqual([
      ["ann", false],
      ["bob", true],
    ]);
    // Another tenant's team is its own.
    expect(await teamOf(env, "team-of-other")).toEqual([]);
  });
});
