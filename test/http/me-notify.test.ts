/**
 * POST /api/sessions/me/notify (issue 19, the Me page): a person signed in from chat changes how
 * Foreman messages them, validated as `/foreman me notify`; never with an API key, never cross-origin.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { settings } from "../../src/settings/stub";
import { newSignInLink } from "../../src/tenants/dashboard-sessions";
import { setupTenant } from "../agents/review-manager/support";
import { BASE, errorOf, jsonOf, newKey, viaApp } from "./helpers";

const tenant = "t-me-notify";
const SAME_ORIGIN = { Origin: BASE, "Sec-Fetch-Site": "same-origin" };

async function signIn(actor: string): Promise<string> {
  const link = await newSignInLink(env, { origin: BASE, tenant, role: "viewer", actor });
  const res = await exports.default.fetch(new Request(link, { redirect: "manual" }));
  return (res.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
}

const change = (cookie: string, body: unknown, headers: Record<string, string> = SAME_ORIGIN) =>
  viaApp("/api/sessions/me/notify", { key: null, body, headers: { Cookie: cookie, ...headers } });

describe("POST /api/sessions/me/notify", () => {
  beforeAll(async () => {
    await setupTenant(tenant);
  });

  it("changes the signed-in person's own mode and windows, as `me notify batched --at`", async () => {
    const cookie = await signIn("slack:U0BOB");
    const res = await change(cookie, { mode: "batched", windows: ["13:30", "09:30"], dailyCap: 4 });
    expect(res.status).toBe(200);
    const body = await jsonOf<{
      login: string;
      notify: { mode: string; windows: string[]; dailyCap: number };
    }>(res);
    expect(body).toMatchObject({
      login: "bob",
      notify: { mode: "batched", windows: ["09:30", "13:30"], dailyCap: 4 },
    });
    const stored = await settings(env, tenant).notifyPrefs({ platform: "slack", id: "U0BOB" });
    expect(stored.own).toMatchObject({ mode: "batched", windows: ["09:30", "13:30"], dailyCap: 4 });
    // `default`: back to the team's.
    const back = await jsonOf<{ notify: { mode: string } }>(await change(cookie, { mode: "default" }));
    expect(back.notify.mode).toBe("immediate");
  });

  it("refuses what `me notify` refuses: 400 naming the field", async () => {
    const cookie = await signIn("slack:U0BOB");
    for (const [body, field] of [
      [{ mode: "sometimes" }, "mode"],
      [{ mode: "batched", windows: ["25:00"] }, "windows"],
      [{ mode: "batched", dailyCap: 0 }, "dailyCap"],
    ] as const) {
      const res = await change(cookie, body);
      expect(res.status).toBe(400);
      expect(JSON.stringify((await errorOf(res)).details)).toContain(field);
    }
  });

  it("is 404 for someone not on the team, 403 cross-origin, 403 with an API key", async () => {
    expect((await change(await signIn("slack:U0NOBODY"), { mode: "digest" })).status).toBe(404);
    const crossOrigin = await change(
      await signIn("slack:U0BOB"),
      { mode: "digest" },
      {
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
      },
    );
    expect(crossOrigin.status).toBe(403);
    const key = (await newKey(tenant, "admin")).key;
    const res = await viaApp("/api/sessions/me/notify", { key, body: { mode: "digest" } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toContain("signed in from chat");
  });
});
