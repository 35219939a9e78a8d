/** Running 30-day request counts agree with counting the log, as time moves on and back. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ReviewStore } from "../../../src/agents/review-manager/store";

const DAY = 86_400_000;
const T0 = Date.UTC(2030, 0, 7);

describe("30-day request counts", () => {
  it("count requests in the window, drop the ones that leave it, and recount when the clock goes back", async () => {
    await runInDurableObject(env.OUTBOX.getByName("request-window"), (_i, state) => {
      const store = new ReviewStore(state.storage.sql);
      const count = (at: number, login: string) => store.stats(at).get(login)?.assignedLast30d ?? 0;
      store.logAssignment("Bob", 1, "assign", null, T0);
      store.logAssignment("bob", 2, "request", null, T0 + 5 * DAY);
      store.logAssignment("bob", 2, "again", null, T0 + 6 * DAY); // asked again: not a new request
      store.logAssignment("carol", 3, "assign", null, T0 + 10 * DAY);
      expect(count(T0 + 10 * DAY, "bob")).toBe(2);
      expect(count(T0 + 31 * DAY, "bob")).toBe(1); // the first left the window
      expect(count(T0 + 36 * DAY, "bob")).toBe(0);
      expect(count(T0 + 36 * DAY, "carol")).toBe(1);
      store.logAssignment("bob", 4, "assign", null, T0 + 37 * DAY);
      expect(count(T0 + 37 * DAY, "bob")).toBe(1);
      // The clock went back (a test's agent clock): counted afresh from the log, everything after the
      // window's start, as a scan of the window counts it.
      expect(count(T0 + 10 * DAY, "bob")).toBe(3);
      expect(count(T0 + 39 * DAY, "carol")).toBe(1);
      // A store opened later (a new instance) reads the same counts.
      expect(new ReviewStore(state.storage.sql).stats(T0 + 41 * DAY).get("carol")?.assignedLast30d).toBe(0);
      expect(new ReviewStore(state.storage.sql).stats(T0 + 39 * DAY).get("carol")?.assignedLast30d).toBe(1);
    });
  });
});
