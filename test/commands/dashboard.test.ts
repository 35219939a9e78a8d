/**
 * `/foreman dashboard`: a sign-in link for the asker only, on the public origin, that opens a session
 * of the asker's tenant: admin for chat admins (listed, lead, platform admin), viewer otherwise.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Reply } from "../../src/chat/reply";
import { type ContextOptions, chatContext, run, shown, slack } from "./helpers";

const ORIGIN = "https://foreman.example";
const PUBLIC = { FOREMAN_PUBLIC_URL: ORIGIN };

const linkOf = (reply: Reply): string => reply.buttons.find((b) => b.url)?.url ?? "";

/** Opens the link as a browser would and asks who is signed in. */
async function signedInAs(url: string): Promise<{ tenant: string; role: string; actor: string }> {
  const redeemed = await exports.default.fetch(new Request(url, { redirect: "manual" }));
  expect(redeemed.status).toBe(303);
  const cookie = (redeemed.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  const me = await exports.default.fetch(
    new Request(`${ORIGIN}/api/sessions/me`, { headers: { Cookie: cookie } }),
  );
  expect(me.status).toBe(200);
  return me.json();
}

async function dashboard(tenant: string, options: ContextOptions = {}): Promise<Reply> {
  return run("dashboard", chatContext(tenant, { ...options, env: { ...PUBLIC, ...options.env } }));
}

describe("/foreman dashboard", () => {
  it("answers the asker only, with a single-use link on the public origin", async () => {
    const reply = await dashboard("dash-link");
    expect(reply.ephemeral).toBe(true);
    expect(reply.tone).not.toBe("error");
    const url = linkOf(reply);
    expect(url).toMatch(/^https:\/\/foreman\.example\/api\/sessions\/redeem\?token=[A-Za-z0-9_-]{43}$/);
    expect(shown(reply)).toContain("works once");
    expect(shown(reply)).toContain("10 minutes");
    // The token is only in the button's URL, never in the text.
    const token = new URL(url).searchParams.get("token") ?? "";
    expect(shown(reply)).not.toContain(token);
  });

  it("gives a viewer session to someone who is not a chat admin (even on first run)", async () => {
    const reply = await dashboard("dash-viewer", { actor: slack("U0BOB", "bob") });
    expect(shown(reply)).toContain("viewer");
    expect(await signedInAs(linkOf(reply))).toEqual({
      tenant: "dash-viewer",
      role: "viewer",
      actor: "slack:U0BOB",
      expiresAt: expect.any(String),
    });
  });

  it("gives an admin session to chat admins: listed, a lead, or a platform admin", async () => {
    const listed = await dashboard("dash-admin", { env: { FOREMAN_CHAT_ADMINS: "slack:U0ALICE" } });
    expect((await signedInAs(linkOf(listed))).role).toBe("admin");

    const platform = await dashboard("dash-admin", { actor: slack("U0CAROL"), platformAdmin: true });
    expect((await signedInAs(linkOf(platform))).role).toBe("admin");

    const lead = chatContext("dash-lead", { env: PUBLIC });
    await run("team add <@U0ALICE|alice> github:alice --lead", lead);
    const asLead = await run("dashboard", lead);
    expect(shown(asLead)).toContain("admin");
    expect(await signedInAs(linkOf(asLead))).toMatchObject({ tenant: "dash-lead", role: "admin" });

    // Not a lead there, not listed, not a platform admin: viewer.
    const other = await dashboard("dash-lead", { actor: slack("U0DAVE") });
    expect((await signedInAs(linkOf(other))).role).toBe("viewer");
  });

  it("without a known address says so instead of a broken link", async () => {
    const reply = await run("dashboard", chatContext("dash-nowhere", { env: { FOREMAN_PUBLIC_URL: "" } }));
    expect(reply.buttons).toEqual([]);
    expect(shown(reply)).toContain("FOREMAN_PUBLIC_URL");
  });
});
