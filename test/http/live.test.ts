/**
 * The dashboard's live channel (issue 19, src/tenants/live.ts, src/http/routes/live.ts): who may open
 * `GET /api/live` (never without credentials, never onto another tenant), single-use tickets, the
 * session's origin, and that a webhook hand-off, a team change and a coalesced burst reach a
 * connected socket as `{"type":"changed"}`.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/platform/errors";
import { settings } from "../../src/settings/stub";
import { newSignInLink } from "../../src/tenants/dashboard-sessions";
import { live } from "../../src/tenants/live";
import { eventually, linkQuietly, linkViaChat, prOpened, sendGitHub } from "../webhooks/support";
import { BASE, errorOf, jsonOf, newKey } from "./helpers";

interface Socket {
  ws: WebSocket;
  messages: Array<{ type: string; topics?: string[] }>;
}

function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`${BASE}${path}`, { headers: { Upgrade: "websocket", ...headers } }),
  );
}

/** Opens the socket and keeps what it receives. */
async function connect(path: string, headers: Record<string, string> = {}): Promise<Socket> {
  const res = await upgrade(path, headers);
  if (res.status !== 101) throw new Error(`upgrade ${res.status}: ${await res.text()}`);
  const ws = res.webSocket;
  if (!ws) throw new Error("no WebSocket in the 101");
  const socket: Socket = { ws, messages: [] };
  ws.addEventListener("message", (event) => {
    socket.messages.push(JSON.parse(String(event.data)));
  });
  ws.accept();
  await eventually(async () => socket.messages.some((m) => m.type === "hello"));
  return socket;
}

const changes = (s: Socket) => s.messages.filter((m) => m.type === "changed");

async function ticketFor(key: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/live/ticket`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, ...headers },
    }),
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return (await jsonOf<{ ticket: string }>(res)).ticket;
}

describe("GET /api/live: who may connect", () => {
  it("refuses a request without credentials (401) and a plain GET (426)", async () => {
    const res = await upgrade("/api/live");
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
    expect((await errorOf(res)).code).toBe("unauthorized");

    const { key } = await newKey("live-plain", "viewer");
    const plain = await exports.default.fetch(
      new Request(`${BASE}/api/live`, { headers: { Authorization: `Bearer ${key}` } }),
    );
    expect(plain.status).toBe(426);
  });

  it("refuses unknown and malformed tickets, and a ticket the second time", async () => {
    for (const ticket of ["nope", `live-t.${"A".repeat(43)}`, "live-t."]) {
      expect((await upgrade(`/api/live?ticket=${encodeURIComponent(ticket)}`)).status).toBe(401);
    }
    const { key } = await newKey("live-t", "viewer");
    const ticket = await ticketFor(key);
    expect(ticket).toMatch(/^live-t\.[A-Za-z0-9_-]{43}$/);
    const first = await connect(`/api/live?ticket=${ticket}`);
    first.ws.close(1000);
    expect((await upgrade(`/api/live?ticket=${ticket}`)).status).toBe(401);
  });

  it("never reaches another tenant: a ticket is for the key's own tenant, and renamed it is refused", async () => {
    const { key } = await newKey("live-own", "viewer");
    await newKey("live-other", "viewer");
    // A tenant key ignores X-Foreman-Tenant: the ticket is still for its own tenant.
    const ticket = await ticketFor(key, { "X-Foreman-Tenant": "live-other" });
    expect(ticket.startsWith("live-own.")).toBe(true);
    const renamed = ticket.replace(/^live-own\./, "live-other.");
    expect((await upgrade(`/api/live?ticket=${renamed}`)).status).toBe(401);
    expect(await live(env, "live-other").connections()).toBe(0);

    // Same with the key itself in the header: the socket is on the key's tenant.
    const socket = await connect("/api/live", {
      Authorization: `Bearer ${key}`,
      "X-Foreman-Tenant": "live-other",
    });
    expect(await live(env, "live-own").connections()).toBe(1);
    expect(await live(env, "live-other").connections()).toBe(0);
    socket.ws.close(1000);
  });

  it("takes the session cookie from the dashboard's own origin only", async () => {
    const url = await newSignInLink(env, {
      origin: BASE,
      tenant: "live-ses",
      role: "viewer",
      actor: "slack:U0A",
    });
    const redeemed = await exports.default.fetch(new Request(url, { redirect: "manual" }));
    const cookie = (redeemed.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toContain("=");

    const foreign = await upgrade("/api/live", { Cookie: cookie, Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const socket = await connect("/api/live", { Cookie: cookie, Origin: BASE });
    expect(await live(env, "live-ses").connections()).toBe(1);
    socket.ws.close(1000);
  });
});

describe("broadcasts", () => {
  it("a webhook handed to the tenant reaches a connected socket", async () => {
    const tenant = "live-hook";
    const { key } = await newKey(tenant, "viewer");
    await linkQuietly(tenant, "github", "acme/live");
    const socket = await connect("/api/live", { Authorization: `Bearer ${key}` });
    const res = await sendGitHub(prOpened("acme/live", 41), { to: tenant });
    expect(res.status).toBe(200);
    await eventually(async () => changes(socket).length > 0);
    expect(changes(socket)[0]?.topics).toEqual(expect.arrayContaining(["reviews", "overview"]));
    socket.ws.close(1000);
  });

  it("the Review Manager's step tells the socket too (after the hand-off's own message, merged by the alarm)", async () => {
    const tenant = "live-rm";
    const { key } = await newKey(tenant, "viewer");
    await linkViaChat(tenant, "github", "acme/live-rm");
    const socket = await connect("/api/live", { Authorization: `Bearer ${key}` });
    expect((await sendGitHub(prOpened("acme/live-rm", 5), { to: tenant })).status).toBe(200);
    // One message from the hand-off, one from the Review Manager once it has the pull request.
    await eventually(async () => changes(socket).length >= 2);
    for (const message of changes(socket)) expect(message.topics).toContain("reviews");
    socket.ws.close(1000);
  });

  it("a team change says team; a burst within a second is one message now and one merged later", async () => {
    const tenant = "live-team";
    const { key } = await newKey(tenant, "viewer");
    const socket = await connect("/api/live", { Authorization: `Bearer ${key}` });
    unwrap(
      await settings(env, tenant).addMember(
        { user: { platform: "slack", id: "U0LIVE" }, github: "live-dev" },
        "slack:U0ADMIN",
      ),
    );
    await eventually(async () => changes(socket).length === 1);
    expect(changes(socket)[0]?.topics).toEqual(["team", "overview"]);

    // Within the second after that broadcast: nothing now, one message with both topics on the alarm.
    const stub = live(env, tenant);
    await stub.changed(["reviews"]);
    await stub.changed(["team"]);
    expect(changes(socket)).toHaveLength(1);
    await runDurableObjectAlarm(env.LIVE.getByName(tenant));
    await eventually(async () => changes(socket).length === 2);
    expect(changes(socket)[1]?.topics).toEqual(["reviews", "team"]);
    socket.ws.close(1000);
  });

  it("with nobody connected a change writes nothing and sets no alarm", async () => {
    await live(env, "live-nobody").changed(["reviews"]);
    const stub = env.LIVE.getByName("live-nobody");
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });
});
