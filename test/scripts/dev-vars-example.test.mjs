/**
 * `.dev.vars.example`, copied to `.dev.vars` as it is, must not lock a newcomer out: it sets no
 * secret (an ADMIN_API_KEY would turn off the demo key the README signs in with), and every secret
 * it documents is a commented-out line under a comment saying what setting it changes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseDevVars } from "../../scripts/dev-vars.mjs";

const text = readFileSync(new URL("../../.dev.vars.example", import.meta.url), "utf8");
const SECRET = /(?:SECRET|TOKEN|API_KEY|PASSWORD|_KEY)(?:_PREVIOUS)?$/;

test("copied as it is, it sets no secret: the demo key keeps working", () => {
  const vars = parseDevVars(text);
  assert.equal(vars.ADMIN_API_KEY, undefined);
  const secrets = Object.entries(vars).filter(([name, value]) => SECRET.test(name) && value.trim() !== "");
  assert.deepEqual(secrets, []);
});

test("every secret is documented commented out, under a line saying what it changes", () => {
  const lines = text.split(/\r?\n/);
  const documented = [];
  for (const [i, line] of lines.entries()) {
    const m = /^#\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (!m || !SECRET.test(m[1])) continue;
    documented.push(m[1]);
    // Above it: a prose comment (not another assignment), possibly after other documented secrets.
    let j = i - 1;
    while (j >= 0 && /^#\s*[A-Z][A-Z0-9_]*=/.test(lines[j])) j--;
    assert.match(lines[j] ?? "", /^# \S/, `${m[1]} has no explanation above it`);
  }
  for (const name of ["ADMIN_API_KEY", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "GITHUB_WEBHOOK_SECRET"]) {
    assert.ok(documented.includes(name), `${name} is not documented`);
  }
});
