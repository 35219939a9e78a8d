import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { settings } from "../../src/settings/stub";

describe("SLA rules", () => {
  it("one rule per scope: a label set again in another case replaces the first", async () => {
    const s = settings(env, "sla-label-case");
    expect((await s.setSla({ hours: 4, label: "Hotfix" }, "test")).ok).toBe(true);
    const again = await s.setSla({ hours: 2, label: "hotfix" }, "test");
    expect(again.ok && again.value.previous?.hours).toBe(4);
    const rules = (await s.slaRules()).filter((r) => r.label !== undefined && r.label !== null);
    expect(rules.map((r) => [r.label?.toLowerCase(), r.hours])).toEqual([["hotfix", 2]]);
    expect((await s.slaFor("acme/api", ["HOTFIX"])).hours).toBe(2);
  });
});
