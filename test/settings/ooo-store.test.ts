/** The `ooo` table: the `from_date` column added to tables stored before planned absences existed. */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { oooActive, oooPending } from "../../src/settings/model";
import { SettingsStore } from "../../src/settings/store";
import { settings } from "../../src/settings/stub";

const OLD_OOO = `CREATE TABLE ooo (
  platform TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT, until TEXT, set_by TEXT NOT NULL,
  set_at TEXT NOT NULL, PRIMARY KEY (platform, user_id))`;

const columns = (sql: SqlStorage) => sql.exec("SELECT * FROM ooo LIMIT 0").columnNames;

describe("ooo table migration", () => {
  it("adds from_date to a table stored before it; old rows read as from = null and keep working", async () => {
    const tenant = "ooo-migrate";
    const s = settings(env, tenant);
    await s.addMember({ user: { platform: "slack", id: "U0OLD" }, github: "old" }, "x");
    const stub = env.TENANT_SETTINGS.getByName(tenant);
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE ooo");
      sql.exec(OLD_OOO);
      sql.exec(
        "INSERT INTO ooo (platform, user_id, name, until, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)",
        "slack",
        "U0OLD",
        "old",
        "2027-01-15",
        "slack:U0X",
        "2027-01-01T00:00:00.000Z",
      );
      expect(columns(sql)).not.toContain("from_date");
    });
    // A fresh object runs the constructor, and with it the migration, on the old table.
    await evictDurableObject(stub);
    const fresh = settings(env, tenant);
    const [old] = await fresh.availability("2027-01-04T12:00:00Z");
    expect(old?.ooo).toMatchObject({ from: null, until: "2027-01-15", user: { id: "U0OLD", name: "old" } });
    expect(old?.planned).toEqual(old?.ooo);
    expect(await fresh.outOfOfficeOn("2027-01-15")).toHaveLength(1);
    await runInDurableObject(stub, (_instance, state) => {
      expect(columns(state.storage.sql)).toContain("from_date");
      // Running the migration again (every constructor does) changes nothing.
      const store = new SettingsStore(state.storage.sql);
      expect(store.allOoo()).toMatchObject([{ from: null, until: "2027-01-15" }]);
    });
    // New entries on the migrated table keep their first day; still one entry per person.
    expect((await fresh.setOoo({ platform: "slack", id: "U0OLD" }, null, "x", "2027-02-01")).ok).toBe(true);
    const [planned] = await fresh.availability("2027-01-04T12:00:00Z");
    expect(planned?.ooo).toBeNull();
    expect(planned?.planned).toMatchObject({ from: "2027-02-01", until: null });
  });
});

describe("oooActive / oooPending", () => {
  const entry = (from: string | null, until: string | null) => ({
    user: { platform: "slack" as const, id: "U0X" },
    from,
    until,
    setBy: "x",
    setAt: "2027-01-01T00:00:00.000Z",
  });

  it("an entry is in force from its first day to its last, inclusive; pending until its last day has passed", () => {
    const range = entry("2027-01-11", "2027-01-15");
    expect(["2027-01-10", "2027-01-11", "2027-01-15", "2027-01-16"].map((d) => oooActive(range, d))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(["2027-01-10", "2027-01-15", "2027-01-16"].map((d) => oooPending(range, d))).toEqual([
      true,
      true,
      false,
    ]);
    expect(oooActive(entry(null, null), "1999-01-01")).toBe(true);
    expect(oooActive(entry(null, "2027-01-15"), "2027-01-16")).toBe(false);
    expect(oooActive(entry("2027-01-11", null), "2099-01-01")).toBe(true);
  });
});
