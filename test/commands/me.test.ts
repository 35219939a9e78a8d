/**
 * `me`, `me notify`, `me focus`, `me holiday` (anyone, about themselves) and `team holiday`,
 * `settings notify-default` (admins): what each stores, what the reply says, and that bad input
 * changes nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { parseCommand } from "../../src/commands/parse";
import { settings } from "../../src/settings/stub";
import { chatContext, field, run, shown, slack } from "./helpers";
import { alice, bob, err, NOW, team } from "./me-support";

describe("parsing the me commands", () => {
  it("bare `me` is `me show`; `me --help` is help on me", () => {
    expect(parseCommand("me")).toStrictEqual({ ok: true, command: { name: "me.show" } });
    expect(parseCommand("/foreman ME")).toStrictEqual({ ok: true, command: { name: "me.show" } });
    expect(parseCommand("me --help")).toStrictEqual({ ok: true, command: { name: "help", topic: "me" } });
    expect(err("me notfy batched").suggestion).toBe("/foreman me notify batched");
  });

  it.each([
    ["me notify sometimes", /Invalid mode "sometimes": use one of immediate, batched, digest, default/],
    ["me notify", /Missing immediate\|batched\|digest\|default/],
    ["me notify batched --at 25:00", /Invalid list of times "25:00": "25:00" is not a time/],
    ["me notify batched --at 1:00,2:00,3:00,4:00,5:00,6:00,7:00", /name at most 6 times/],
    ["me notify immediate --cap 0", /Invalid daily cap "0": it must be from 1 to 100/],
    ["me notify immediate --cap lots", /Invalid daily cap "lots": use a whole number/],
    ["me focus add tue 12:00-09:00", /Invalid time range "12:00-09:00": it must end after it starts/],
    ["me focus add tue 9-12", /Invalid time range "9-12": use HH:MM-HH:MM/],
    ["me focus pause", /Invalid action "pause": use one of add, clear/],
    ["me holiday 2026-02-30", /Invalid dates "2026-02-30": that date does not exist, or clear/],
    ["me holiday 2027-01-01..2027-13-01", /Invalid dates "2027-01-01..2027-13-01": "2027-13-01": that date/],
    ["me holiday 2027-01-08..2027-01-04", /the range ends \(2027-01-04\) before it starts \(2027-01-08\)/],
    ["me holiday 2027-01-01..2028-06-01", /at most 366 days at once/],
    ["team holiday soon", /Invalid dates "soon": use YYYY-MM-DD/],
    ["settings notify-default default", /Invalid mode "default": use one of immediate, batched, digest/],
  ])("bad input: %s", (text, error) => {
    const e = err(text);
    expect(e.error).toMatch(error);
    expect(e.usage).toMatch(/^\/foreman (me|team|settings)/);
  });
});

describe("me", () => {
  it("shows the person's settings, how messages reach them, and that nothing is held", async () => {
    const { asBob } = await team("me-show");
    const page = await run("me", asBob);
    expect(page.title).toBe("Your page");
    expect(unmarked(page.text)).toBe("You are on the team as `bob`.");
    expect(field(page, "GitHub")).toBe("`bob`");
    expect(field(page, "Time zone")).toBe("UTC");
    expect(field(page, "Working hours")).toBe("Mon-Fri 09:00-17:00");
    expect(field(page, "Out of office")).toBe("available");
    expect(field(page, "Mode")).toBe("**batched** (the team's default)");
    expect(field(page, "Windows")).toBe("09:30, 13:30, 16:30 (the team's default)");
    expect(field(page, "Daily cap")).toBe(
      "6 messages a day (the team's default); it counts in immediate mode",
    );
    expect(field(page, "Focus blocks")).toBe("none");
    expect(field(page, "Your holidays")).toBe("none ahead");
    const all = shown(page);
    expect(all).toContain(
      "Messages reach you batched: held for the windows at 09:30, 13:30 and 16:30 and sent there as one message.",
    );
    expect(all).toContain("Nothing is held for you right now.");
    expect(all).toContain("`/foreman me focus add tue,thu 09:00-12:00`");
    // The same page with `me show`, and as an ephemeral answer.
    expect(shown(await run("me show", asBob))).toBe(all);
    expect(page.ephemeral).toBe(true);
  });

  it("someone not on the team is told so and sees the team's defaults", async () => {
    await team("me-stranger");
    const asCarl = chatContext("me-stranger", { actor: slack("U0CARL", "carl"), now: NOW });
    const page = await run("me", asCarl);
    expect(page.tone).toBe("warning");
    expect(shown(page)).toContain("You are not on the team yet");
    expect(field(page, "Mode")).toBe("**batched**");
    const notify = await run("me notify immediate", asCarl);
    expect(shown(notify)).toContain("Nothing was changed.");
    const record = await settings(env, "me-stranger").notifyPrefs(slack("U0CARL"));
    expect(record.own).toEqual({ focus: [], holidays: [] });
  });
});

describe("me notify", () => {
  it("changes the person's own mode, windows and cap, says what changed and what applies now", async () => {
    const { asBob, store } = await team("me-notify");
    const set = await run("me notify immediate --cap 4 --at 16:00,10:00", asBob);
    expect(set.tone).toBe("success");
    expect(unmarked(set.text)).toBe("Changed. Messages now reach you as they happen.");
    expect(shown(set)).toContain(
      "Changed: mode batched → **immediate**; windows 09:30, 13:30, 16:30 → **10:00, 16:00**; daily cap 6 → **4**.",
    );
    expect(field(set, "Daily cap")).toBe("4 messages a day (yours)");
    expect((await store.notifyPrefs(bob)).own).toMatchObject({
      mode: "immediate",
      windows: ["10:00", "16:00"],
      dailyCap: 4,
    });
    // Nobody else's changes.
    expect((await store.notifyPrefs(alice)).own).toEqual({ focus: [], holidays: [] });

    const again = await run("me notify immediate", asBob);
    expect(again.tone).toBe("info");
    expect(unmarked(again.text)).toMatch(/^Nothing changed: these were already your settings\./);

    const back = await run("me notify default", asBob);
    expect(unmarked(back.text)).toBe(
      "Back to the team's defaults. Messages now reach you batched: held for the windows at 09:30, 13:30 and 16:30 and sent there as one message.",
    );
    expect((await store.notifyPrefs(bob)).own).toEqual({ focus: [], holidays: [] });
  });

  it("bad input changes nothing, and anyone may run it without admin rights", async () => {
    const { asBob, store } = await team("me-notify-bad");
    const bad = await run("me notify batched --at 9:30,25:61", asBob);
    expect(bad.tone).toBe("warning");
    expect(shown(bad)).toContain('Invalid list of times "9:30,25:61"');
    expect(shown(bad)).toContain("Usage: `/foreman me notify immediate|batched|digest|default");
    expect((await store.notifyPrefs(bob)).own).toEqual({ focus: [], holidays: [] });
    const ok = await run("me notify digest", asBob);
    expect(ok.tone).toBe("success");
    expect(asBob.platformAdminCalls()).toBe(0);
    expect(ok.footer).toBeUndefined();
  });
});

describe("me focus", () => {
  it("adds and clears focus blocks; a duplicate or a missing part changes nothing", async () => {
    const { asBob, store } = await team("me-focus");
    const add = await run("me focus add tue,thu 09:00-12:00", asBob);
    expect(add.tone).toBe("success");
    expect(unmarked(add.text)).toBe("Focus block added: Tue, Thu 09:00-12:00 (UTC).");
    expect((await store.notifyPrefs(bob)).own.focus).toEqual([
      { days: ["tue", "thu"], start: "09:00", end: "12:00" },
    ]);
    expect(unmarked((await run("me focus add thu,tue 09:00-12:00", asBob)).text)).toBe(
      "You already have the focus block Tue, Thu 09:00-12:00 (UTC): nothing was changed.",
    );
    const noDays = await run("me focus add 13:00-15:00", asBob);
    expect(noDays.tone).toBe("error");
    expect(unmarked(noDays.text)).toMatch(/^Missing the days of the focus block/);
    const noHours = await run("me focus add mon-fri", asBob);
    expect(unmarked(noHours.text)).toMatch(/^Missing the hours of the focus block/);
    const clearWithDays = await run("me focus clear mon", asBob);
    expect(clearWithDays.tone).toBe("error");
    expect((await store.notifyPrefs(bob)).own.focus).toHaveLength(1);

    await run("me focus add mon-fri 14:00-24:00", asBob);
    expect(field(await run("me", asBob), "Focus blocks")).toBe("Tue, Thu 09:00-12:00; Mon-Fri 14:00-24:00");
    const cleared = await run("me focus clear", asBob);
    expect(unmarked(cleared.text)).toBe(
      "Cleared your 2 focus blocks: Tue, Thu 09:00-12:00; Mon-Fri 14:00-24:00 (UTC).",
    );
    expect((await store.notifyPrefs(bob)).own.focus).toEqual([]);
    expect(unmarked((await run("me focus clear", asBob)).text)).toBe(
      "You had no focus blocks: nothing was changed.",
    );
  });

  it("the settings' own limit comes back naming the field, with nothing changed", async () => {
    const { asBob, store } = await team("me-focus-limit");
    for (let h = 0; h < 10; h++) {
      const start = String(h).padStart(2, "0");
      expect((await run(`me focus add mon ${start}:00-${start}:30`, asBob)).tone).toBe("success");
    }
    const eleventh = await run("me focus add mon 11:00-11:30", asBob);
    expect(eleventh.tone).toBe("error");
    expect(unmarked(eleventh.text)).toBe(
      "Nothing was changed: the focus block: at most 10 focus blocks: clear them first.",
    );
    expect(shown(eleventh)).toContain("Usage: `/foreman me focus add|clear [days] [HH:MM-HH:MM]`");
    expect((await store.notifyPrefs(bob)).own.focus).toHaveLength(10);
  });
});

describe("me holiday", () => {
  it("adds a day or a range, refuses the past and duplicates, and clears", async () => {
    const { asBob, store } = await team("me-holiday");
    const range = await run("me holiday 2026-12-24..2026-12-31", asBob);
    expect(range.tone).toBe("success");
    expect(unmarked(range.text)).toBe("Holiday added: 2026-12-24 to 2026-12-31 (inclusive, in UTC).");
    expect(shown(range)).toContain("Your holidays now: 2026-12-24 to 2026-12-31.");
    expect(shown(range)).toContain("Review assignment skips you on these days");
    await run("me holiday 2027-01-06", asBob);
    expect((await store.notifyPrefs(bob)).own.holidays).toEqual([
      { from: "2026-12-24", until: "2026-12-31" },
      { from: "2027-01-06", until: "2027-01-06" },
    ]);
    expect(unmarked((await run("me holiday 2027-01-06", asBob)).text)).toBe(
      "2027-01-06 is already one of your holidays: nothing was changed.",
    );
    const past = await run("me holiday 2026-11-02..2026-11-30", asBob);
    expect(past.tone).toBe("error");
    expect(unmarked(past.text)).toBe(
      "2026-11-02 to 2026-11-30 is in the past (today is 2026-12-01): nothing was changed.",
    );
    expect((await store.notifyPrefs(bob)).own.holidays).toHaveLength(2);
    expect(field(await run("me", asBob), "Your holidays")).toBe("2026-12-24 to 2026-12-31, 2027-01-06");

    const cleared = await run("me holiday clear", asBob);
    expect(unmarked(cleared.text)).toBe("Cleared your 2 holidays: 2026-12-24 to 2026-12-31, 2027-01-06.");
    expect((await store.notifyPrefs(bob)).own.holidays).toEqual([]);
  });
});

describe("team holiday and settings notify-default: admins only", () => {
  it("a lead adds and clears team holidays; someone else is refused and nothing is stored", async () => {
    const { asAlice, asBob, store } = await team("me-team-holiday");
    const refused = await run("team holiday 2026-12-25", asBob);
    expect(refused.title).toBe("Not allowed");
    expect(shown(refused)).toContain("`/foreman team holiday` changes settings: it needs chat admin rights.");
    expect((await store.teamNotify()).holidays).toEqual([]);

    const added = await run("team holiday 2026-12-24..2026-12-26", asAlice);
    expect(added.tone).toBe("success");
    expect(unmarked(added.text)).toBe(
      "Team holiday added: 2026-12-24 to 2026-12-26 (inclusive, in each person's own time zone).",
    );
    expect(shown(added)).toContain("Nothing reaches anyone on the team on these days");
    expect((await store.teamNotify()).holidays).toEqual([{ from: "2026-12-24", until: "2026-12-26" }]);
    // Everyone sees it on their page.
    expect(field(await run("me", asBob), "Team holidays")).toBe("2026-12-24 to 2026-12-26");
    expect((await store.notifyPrefs(bob)).effective.holidays).toEqual([
      { from: "2026-12-24", until: "2026-12-26" },
    ]);

    expect((await run("team holiday clear", asBob)).title).toBe("Not allowed");
    const cleared = await run("team holiday clear", asAlice);
    expect(unmarked(cleared.text)).toBe("Cleared the team's 1 holiday: 2026-12-24 to 2026-12-26.");
    expect((await store.teamNotify()).holidays).toEqual([]);
  });

  it("a lead sets the team's default; people without their own follow it, others keep theirs", async () => {
    const { asAlice, asBob, store } = await team("me-notify-default");
    const refused = await run("settings notify-default immediate", asBob);
    expect(refused.title).toBe("Not allowed");
    expect((await store.teamNotify()).mode).toBe("batched");

    await run("me notify immediate", asAlice);
    const set = await run("settings notify-default digest --at 08:30 --cap 3", asAlice);
    expect(set.tone).toBe("success");
    expect(unmarked(set.text)).toBe(
      "The team's default changed: messages reach people once a day, at 08:30, as one message.",
    );
    expect(shown(set)).toContain(
      "Changed: mode batched → **digest**; windows 09:30, 13:30, 16:30 → **08:30**; daily cap 6 → **3**.",
    );
    expect(await store.teamNotify()).toMatchObject({ mode: "digest", windows: ["08:30"], dailyCap: 3 });
    expect(field(await run("me", asBob), "Mode")).toBe("**digest** (the team's default)");
    expect(field(await run("me", asAlice), "Mode")).toBe("**immediate** (yours)");

    const bad = await run("settings notify-default batched --cap 101", asAlice);
    expect(shown(bad)).toContain('Invalid daily cap "101": it must be from 1 to 100');
    expect((await store.teamNotify()).dailyCap).toBe(3);
  });
});
