/**
 * `me hours` and `me zone` (anyone, about themselves): what each stores on the roster, what the
 * reply says, that bad input and people who are not on the team change nothing, and the Discord form.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderDiscord } from "../../src/chat/discord/render";
import { unmarked } from "../../src/chat/markup";
import { commandFromDiscord } from "../../src/commands/discord";
import { parseCommand } from "../../src/commands/parse";
import { runParsed } from "../../src/commands/run";
import { settings } from "../../src/settings/stub";
import { discordData } from "./cases";
import { chatContext, discord, field, run, shown, slack } from "./helpers";
import { alice, bob, err, NOW, team } from "./me-support";

describe("parsing me hours and me zone", () => {
  it("takes the days and the hours (the end may be 24:00), and a zone in its canonical spelling", () => {
    expect(parseCommand("me hours mon-fri 08:00-16:00")).toStrictEqual({
      ok: true,
      command: {
        name: "me.hours",
        days: ["mon", "tue", "wed", "thu", "fri"],
        between: { start: "08:00", end: "16:00" },
      },
    });
    expect(parseCommand("me hours daily 0:00-24:00")).toMatchObject({
      ok: true,
      command: { between: { start: "00:00", end: "24:00" } },
    });
    expect(parseCommand("me zone america/new_york")).toStrictEqual({
      ok: true,
      command: { name: "me.zone", tz: "America/New_York" },
    });
  });

  it.each([
    ["me hours 09:00-17:00", /^Missing <days>: Your working days/],
    ["me hours mon-fri", /^Missing <HH:MM-HH:MM>: Your working hours/],
    ["me hours", /^Missing <days>/],
    ["me hours mon-fri 17:00-09:00", /Invalid time range "17:00-09:00": it must end after it starts/],
    ["me hours mon-fri 09:00-09:00", /Invalid time range "09:00-09:00": it must end after it starts/],
    ["me hours mon-fri 9-17", /Invalid time range "9-17": use HH:MM-HH:MM/],
    ["me hours mon-fri 09:00-24:30", /Invalid time range "09:00-24:30": use HH:MM-HH:MM/],
    ["me hours mon-fry 09:00-17:00", /Invalid days "mon-fry": unknown day "fry"/],
    ["me hours mon-fri 09:00-17:00 extra", /Unexpected argument "extra"/],
    ["me zone", /^Missing <IANA zone>: Your IANA time zone/],
    ["me zone Mars/Olympus", /Invalid time zone "Mars\/Olympus": use an IANA time zone/],
    ["me zone Europe/Berlin now", /Unexpected argument "now"/],
  ])("bad input: %s", (text, error) => {
    const e = err(text);
    expect(e.error).toMatch(error);
    expect(e.usage).toMatch(/^\/foreman me (hours <days> <HH:MM-HH:MM>|zone <IANA zone>)$/);
  });

  it("Discord: the days as a preset or a list; the same command as the text parser", () => {
    const fromDiscord = (options: Record<string, string>) =>
      commandFromDiscord(discordData(["me", "hours"], options));
    expect(fromDiscord({ "days-list": "mon,tue,thu", hours: "10:00-18:30" })).toStrictEqual(
      parseCommand("me hours mon,tue,thu 10:00-18:30"),
    );
    expect(fromDiscord({ days: "mon-fri", hours: "08:00-16:00" })).toStrictEqual(
      parseCommand("me hours mon-fri 08:00-16:00"),
    );
    expect(commandFromDiscord(discordData(["me", "zone"], { zone: "Europe/Berlin" }))).toStrictEqual(
      parseCommand("me zone Europe/Berlin"),
    );
  });
});

describe("me hours", () => {
  it("changes only the person's working hours, says what changed, and what they do", async () => {
    const { asBob, store } = await team("me-hours");
    const before = await store.member(bob);
    const set = await run("me hours mon,tue,thu 10:00-18:30", asBob);
    expect(set.tone).toBe("success");
    expect(set.title).toBe("Your working hours");
    expect(unmarked(set.text)).toBe(
      "Working hours changed: Mon-Fri 09:00-17:00 → **Mon, Tue, Thu 10:00-18:30** (UTC).",
    );
    expect(shown(set)).toContain("Messages Foreman sends you wait for your working hours, urgent ones too");
    expect(shown(set)).toContain("Review assignment counts them");
    const after = await store.member(bob);
    expect(after?.workingHours).toEqual({ days: ["mon", "tue", "thu"], start: "10:00", end: "18:30" });
    // The rest of the record is kept.
    expect(after).toMatchObject({ github: "bob", tz: "UTC", lead: false, addedBy: before?.addedBy });
    expect((await store.member(alice))?.workingHours).toEqual(before?.workingHours);
    expect(field(await run("me", asBob), "Working hours")).toBe("Mon, Tue, Thu 10:00-18:30");
    // Anyone may, without admin rights.
    expect(asBob.platformAdminCalls()).toBe(0);

    const again = await run("me hours tue,mon,thu 10:00-18:30", asBob);
    expect(again.tone).toBeUndefined();
    expect(unmarked(again.text)).toBe(
      "Your working hours are already Mon, Tue, Thu 10:00-18:30 (UTC): nothing was changed.",
    );

    const late = await run("me hours daily 14:00-24:00", asBob);
    expect(unmarked(late.text)).toBe(
      "Working hours changed: Mon, Tue, Thu 10:00-18:30 → **every day 14:00-24:00** (UTC).",
    );
    expect((await store.member(bob))?.workingHours).toEqual({
      days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
      start: "14:00",
      end: "24:00",
    });
  });

  it("bad input changes nothing and answers with the right form", async () => {
    const { asBob, store } = await team("me-hours-bad");
    const before = await store.member(bob);
    for (const text of [
      "me hours mon-fri 17:00-09:00",
      "me hours 08:00-16:00",
      "me hours someday 08:00-16:00",
    ]) {
      const bad = await run(text, asBob);
      expect(bad.tone, text).toBe("warning");
      expect(shown(bad), text).toContain("Usage: `/foreman me hours <days> <HH:MM-HH:MM>`");
    }
    expect(await store.member(bob)).toEqual(before);
  });

  it("someone not on the team is told so, and nothing is stored", async () => {
    await team("me-hours-stranger");
    const asCarl = chatContext("me-hours-stranger", { actor: slack("U0CARL", "carl"), now: NOW });
    for (const text of ["me hours mon-fri 08:00-16:00", "me zone Europe/Berlin"]) {
      const answer = await run(text, asCarl);
      expect(answer.tone, text).toBe("error");
      expect(unmarked(answer.text), text).toBe(
        "You are not on the team yet: a team lead adds you with `/foreman team add @you github:your-login`. Nothing was changed.",
      );
    }
    expect(await settings(env, "me-hours-stranger").member(slack("U0CARL"))).toBeNull();
  });
});

describe("me zone", () => {
  it("changes only the person's zone; what counts in it says so", async () => {
    const { asBob, store } = await team("me-zone");
    const set = await run("me zone europe/berlin", asBob);
    expect(set.tone).toBe("success");
    expect(set.title).toBe("Your time zone");
    expect(unmarked(set.text)).toBe("Time zone changed: UTC → **Europe/Berlin**.");
    expect(shown(set)).toContain(
      "Your working hours (Mon-Fri 09:00-17:00), windows, focus blocks and holidays now count in Europe/Berlin.",
    );
    expect(await store.member(bob)).toMatchObject({
      tz: "Europe/Berlin",
      github: "bob",
      workingHours: { days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
    });
    expect((await store.member(alice))?.tz).toBe("UTC");
    expect(field(await run("me", asBob), "Time zone")).toBe("Europe/Berlin");

    const again = await run("me zone Europe/Berlin", asBob);
    expect(unmarked(again.text)).toBe("Your time zone is already Europe/Berlin: nothing was changed.");

    const bad = await run("me zone Europe/Atlantis", asBob);
    expect(bad.tone).toBe("warning");
    expect(shown(bad)).toContain('Invalid time zone "Europe/Atlantis"');
    expect((await store.member(bob))?.tz).toBe("Europe/Berlin");
  });

  it("on Discord: the same change, and command lines in Discord's syntax", async () => {
    const tenant = "me-zone-discord";
    const dora = discord("445566778899001122");
    const ctx = chatContext(tenant, { actor: dora, now: NOW });
    expect((await settings(env, tenant).addMember({ user: dora, github: "dora" }, "test")).ok).toBe(true);
    const set = await runParsed(
      commandFromDiscord(discordData(["me", "hours"], { "days-list": "tue,wed", hours: "07:30-15:30" })),
      ctx,
    );
    expect(unmarked(set.text)).toBe(
      "Working hours changed: Mon-Fri 09:00-17:00 → **Tue, Wed 07:30-15:30** (UTC).",
    );
    const zone = await runParsed(
      commandFromDiscord(discordData(["me", "zone"], { zone: "Asia/Tokyo" })),
      ctx,
    );
    expect(unmarked(zone.text)).toBe("Time zone changed: UTC → **Asia/Tokyo**.");
    expect(await settings(env, tenant).member(dora)).toMatchObject({
      tz: "Asia/Tokyo",
      workingHours: { days: ["tue", "wed"], start: "07:30", end: "15:30" },
    });
    const page = JSON.stringify(renderDiscord(await runParsed(parseCommand("me"), ctx)));
    expect(page).toContain("/foreman me hours days:mon-fri hours:09:00-17:00");
    expect(page).toContain("/foreman me zone zone:Europe/Berlin");
    expect(page).not.toMatch(/`\/foreman[^`]*--/);
  });
});
