/**
 * The dependency rules run in `npm test` (scripts/check-architecture.mjs): the real tree passes, and
 * a copy of it with a forbidden import fails, naming the rule. And no source file grows past 400
 * lines (split it by concept instead).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const script = join(root, "scripts", "check-architecture.mjs");
const work = mkdtempSync(join(tmpdir(), "foreman-arch-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

const check = (...args) => spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8" });

test("the source tree follows the dependency rules", { timeout: 120_000 }, () => {
  const run = check();
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test("a forbidden import fails the check, naming the rule", { timeout: 120_000 }, () => {
  const src = join(work, "src");
  cpSync(join(root, "src"), src, { recursive: true });
  appendFileSync(
    join(src, "agents", "review-manager", "find.ts"),
    '\nimport { createApp } from "../../http/app";\nexport const probe = createApp;\n',
  );
  appendFileSync(
    join(src, "domain", "values.ts"),
    '\nimport { DEFAULT_TZ } from "../settings/model";\nexport const probe = DEFAULT_TZ;\n',
  );
  const run = check("--src", src);
  const out = run.stdout + run.stderr;
  assert.equal(run.status, 1, out);
  assert.match(out, /agents never import http/);
  assert.match(out, /domain imports only domain and platform/);
  assert.match(out, /find\.ts/);
});

test("no source file is over 400 lines (src and the simulator)", () => {
  const long = ["src", "sim"]
    .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile() && d.name.endsWith(".ts"))
    .map((d) => join(d.parentPath, d.name))
    .map((f) => ({ f: f.slice(root.length + 1), n: readFileSync(f, "utf8").split("\n").length - 1 }))
    .filter(({ n }) => n > 400);
  assert.deepEqual(long, []);
});
