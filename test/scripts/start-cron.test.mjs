/**
 * `npm start`'s Cron Trigger timer (scripts/start-cron.mjs): which wrangler.toml crons fire in a
 * given UTC minute.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cronMatches, nextMinute, parseCron } from "../../scripts/start-cron.mjs";

const at = (iso) => new Date(iso);

test("*/5 fires on every fifth minute, whatever the hour and day", () => {
  assert.equal(cronMatches("*/5 * * * *", at("2026-11-24T06:00:00Z")), true);
  assert.equal(cronMatches("*/5 * * * *", at("2026-11-24T23:55:00Z")), true);
  assert.equal(cronMatches("*/5 * * * *", at("2026-11-24T06:01:00Z")), false);
  assert.equal(cronMatches("*/5 * * * *", at("2026-11-24T06:04:59Z")), false);
});

test("numbers, ranges, steps and lists", () => {
  assert.equal(cronMatches("30 9 * * *", at("2026-11-24T09:30:00Z")), true);
  assert.equal(cronMatches("30 9 * * *", at("2026-11-24T10:30:00Z")), false);
  assert.equal(cronMatches("0 9-17/4 * * *", at("2026-11-24T13:00:00Z")), true);
  assert.equal(cronMatches("0 9-17/4 * * *", at("2026-11-24T15:00:00Z")), false);
  assert.equal(cronMatches("0,15,45 * * * *", at("2026-11-24T15:45:00Z")), true);
  assert.equal(cronMatches("0 0 1 1 *", at("2027-01-01T00:00:00Z")), true);
  assert.equal(cronMatches("0 0 1 1 *", at("2027-02-01T00:00:00Z")), false);
});

test("day of week: 0 and 7 are Sunday; with both day fields set either may match", () => {
  // 2026-11-29 is a Sunday, 2026-11-24 a Tuesday.
  assert.equal(cronMatches("0 8 * * 0", at("2026-11-29T08:00:00Z")), true);
  assert.equal(cronMatches("0 8 * * 7", at("2026-11-29T08:00:00Z")), true);
  assert.equal(cronMatches("0 8 * * 1-5", at("2026-11-29T08:00:00Z")), false);
  assert.equal(cronMatches("0 8 * * 1-5", at("2026-11-24T08:00:00Z")), true);
  assert.equal(cronMatches("0 8 1 * 0", at("2026-11-29T08:00:00Z")), true);
  assert.equal(cronMatches("0 8 1 * 0", at("2026-12-01T08:00:00Z")), true);
  assert.equal(cronMatches("0 8 1 * 0", at("2026-11-24T08:00:00Z")), false);
});

test("expressions the timer does not understand never fire", () => {
  for (const cron of ["* * * *", "0 8 * * MON", "0 8 L * *", "61 * * * *", "5-1 * * * *", "*/0 * * * *"]) {
    assert.equal(parseCron(cron), null, cron);
    assert.equal(cronMatches(cron, at("2026-11-24T08:00:00Z")), false, cron);
  }
});

test("nextMinute is the start of the next whole minute", () => {
  assert.equal(nextMinute(Date.parse("2026-11-24T06:00:00Z")), Date.parse("2026-11-24T06:01:00Z"));
  assert.equal(nextMinute(Date.parse("2026-11-24T06:00:59.999Z")), Date.parse("2026-11-24T06:01:00Z"));
});
