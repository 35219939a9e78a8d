/**
 * The inbox depth is a counter kept in the same steps that change the inbox (issue 17: no COUNT(*) per
 * received message): it agrees with the rows through adds, duplicates, takes, completions, failures,
 * a restart's recovery and a termination.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Inbox } from "../../../src/agents/framework/inbox";
import { message } from "../../helpers/agents";

const rows = (sql: SqlStorage) =>
  Number(sql.exec("SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')").one().n);

describe("inbox depth", () => {
  it("agrees with the rows through every change", async () => {
    const stub = env.PATTERN_BRIDGE.getByName("inbox-depth-test");
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      const inbox = new Inbox(sql);
      const check = () => expect(inbox.depth()).toBe(rows(sql));
      const start = inbox.depth();
      const a = message("ping");
      expect(inbox.add(a, 1)).toBe(true);
      expect(inbox.add(a, 2)).toBe(false); // a duplicate id adds nothing
      for (let i = 0; i < 5; i++) inbox.add(message("ping"), 3);
      check();
      expect(inbox.depth()).toBe(start + 6);
      const first = inbox.take(4);
      const second = inbox.take(4);
      check();
      if (first) inbox.complete(first.seq);
      if (second) inbox.fail(second.seq, "boom");
      if (first) inbox.complete(first.seq); // finishing twice counts once
      check();
      expect(inbox.depth()).toBe(start + 4);
      inbox.take(5);
      inbox.recover(); // the running one goes back to pending
      check();
      expect(inbox.hasPending()).toBe(true);
      inbox.cancelPending();
      check();
      expect(inbox.depth()).toBe(0);
      expect(inbox.hasPending()).toBe(false);
    });
  });
});
