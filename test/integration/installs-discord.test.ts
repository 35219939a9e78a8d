/**
 * "Add to Discord" end to end (issue 18): the install page's redirect to Discord's consent screen,
 * Discord's code exchanged at the fake `oauth2/token` (whose answer names the server), the server
 * bound to a new tenant — or to the tenant of a connect link —, the slash commands registered for the
 * server when the application has no global ones, and forged states, a cancelled consent, a refused
 * code and a deployment without Discord credentials storing nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { discordCommandDefinitions } from "../../src/commands/discord";
import type { Env } from "../../src/env";
import { DISCORD_PERMISSIONS } from "../../src/integrations/discord/oauth";
import { directory } from "../../src/tenants/stub";
import { fakeApi } from "../helpers/fake-api";
import { ADMIN, call, ORIGIN } from "./installs-support";

const APP_ID = "900000000000000042";
const SECRET = "discord-client-s3cret";
const BOT_TOKEN = "discord-install-bot-token";

function setup(namespace: string) {
  const api = fakeApi(`discord-install-${namespace}`);
  const e: Env = api.env(env, {
    tokens: false,
    extra: { DISCORD_APPLICATION_ID: APP_ID, DISCORD_CLIENT_SECRET: SECRET, DISCORD_BOT_TOKEN: BOT_TOKEN },
  });
  return { api, e };
}

/** GET /discord/install (or a connect link): the state Foreman put in Discord's authorize URL. */
async function startInstall(e: Env, path = "/discord/install") {
  const res = await call(e, path);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("Location") ?? "");
  return {
    state: location.searchParams.get("state") ?? "",
    location,
    cookie: res.headers.get("Set-Cookie") ?? "",
  };
}

/** The token endpoint's answer for a bot install into `guild`. */
function grant(guild: string, name: string) {
  return {
    access_token: `installer-token-${guild}`,
    token_type: "Bearer",
    expires_in: 604800,
    refresh_token: `installer-refresh-${guild}`,
    scope: "bot applications.commands",
    guild: { id: guild, name },
  };
}

const API = "/discord/api/v10";
const GLOBAL_COMMANDS = `${API}/applications/${APP_ID}/commands`;
const guildCommands = (guild: string) => `${API}/applications/${APP_ID}/guilds/${guild}/commands`;

/** Discord's redirect back, with the token endpoint and the global command list scripted. */
async function finish(
  ctx: ReturnType<typeof setup>,
  state: string,
  guild: string,
  name: string,
  globalCommands: unknown[] = [],
) {
  await ctx.api.script(`${API}/oauth2/token`, [{ body: grant(guild, name) }]);
  await ctx.api.script(GLOBAL_COMMANDS, [{ body: globalCommands }], { method: "GET" });
  const res = await call(
    ctx.e,
    `/discord/oauth_redirect?code=code-${guild}&state=${state}&guild_id=${guild}`,
  );
  return { res, text: await res.text() };
}

describe("Add to Discord", () => {
  it("redirects to Discord's consent screen with the bot scope, Foreman's permissions and a state", async () => {
    const { e } = setup("redirect");
    const { location, state, cookie } = await startInstall(e);
    expect(location.origin + location.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(Object.fromEntries(location.searchParams)).toEqual({
      client_id: APP_ID,
      scope: "bot applications.commands",
      permissions: DISCORD_PERMISSIONS,
      response_type: "code",
      redirect_uri: `${ORIGIN}/discord/oauth_redirect`,
      state,
    });
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toContain(`foreman_discord_state=${state}`);
    expect(cookie).toContain("HttpOnly");
  });

  it("binds a first install to a new tenant and registers the commands for the server", async () => {
    const ctx = setup("first");
    const guild = "810000000000000001";
    const { state } = await startInstall(ctx.e);
    const { res, text } = await finish(ctx, state, guild, "Acme <Guild>");
    expect(res.status, text).toBe(200);
    expect(text).toContain("Acme &lt;Guild&gt;");
    expect(text).toContain("registered for this server");

    // The code went to Discord's token endpoint with the application's Basic credentials.
    const [exchange, ...more] = await ctx.api.requests(`${API}/oauth2/token`);
    expect(more).toHaveLength(0);
    expect(exchange?.method).toBe("POST");
    expect(exchange?.headers.authorization).toBe(`Basic ${btoa(`${APP_ID}:${SECRET}`)}`);
    expect(Object.fromEntries(new URLSearchParams(exchange?.body))).toEqual({
      grant_type: "authorization_code",
      code: `code-${guild}`,
      redirect_uri: `${ORIGIN}/discord/oauth_redirect`,
    });

    const dir = directory(ctx.e);
    const installation = await dir.installation("discord", guild);
    expect(installation?.tenant).toBeTruthy();
    expect(installation?.revokedAt).toBeNull();
    expect(await dir.chatTenant("discord", guild)).toBe(installation?.tenant);
    // Nothing of the installer's grant is kept.
    expect(JSON.stringify(installation)).not.toContain("installer-token");

    // No global commands: the command list is registered for this server, with the bot token.
    const puts = await ctx.api.requests(guildCommands(guild));
    expect(puts).toHaveLength(1);
    expect(puts[0]?.method).toBe("PUT");
    expect(puts[0]?.headers.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(puts[0]?.json).toEqual(JSON.parse(JSON.stringify(discordCommandDefinitions())));
  });

  it("registers nothing for the server when the application has global commands", async () => {
    const ctx = setup("global");
    const guild = "810000000000000002";
    const { state } = await startInstall(ctx.e);
    const { res, text } = await finish(ctx, state, guild, "Global", [
      { id: "1200000000000000001", name: "foreman", type: 1 },
    ]);
    expect(res.status, text).toBe(200);
    expect(text).toContain("registered for every server");
    const globalReads = await ctx.api.requests(GLOBAL_COMMANDS);
    expect(globalReads.map((r) => [r.method, r.headers.authorization])).toEqual([
      ["GET", `Bot ${BOT_TOKEN}`],
    ]);
    expect(await ctx.api.requests(guildCommands(guild))).toHaveLength(0);
    expect((await directory(ctx.e).installation("discord", guild))?.tenant).toBeTruthy();
  });

  it("binds the server to the tenant of a connect link", async () => {
    const ctx = setup("connect");
    const tenant = "discord-connected";
    const guild = "810000000000000003";
    const link = await call(ctx.e, `/api/tenants/${tenant}/connect/discord`, {
      method: "POST",
      headers: ADMIN,
    });
    expect(link.status).toBe(201);
    const { url } = (await link.json()) as { url: string };
    expect(new URL(url).pathname).toBe("/discord/install");
    const { state } = await startInstall(ctx.e, url);
    expect(state).toBe(new URL(url).searchParams.get("state"));
    const { res, text } = await finish(ctx, state, guild, "Connected");
    expect(res.status, text).toBe(200);
    const dir = directory(ctx.e);
    expect((await dir.installation("discord", guild))?.tenant).toBe(tenant);
    expect(await dir.chatTenant("discord", guild)).toBe(tenant);
    expect(await dir.installationsOf(tenant)).toEqual([
      expect.objectContaining({ platform: "discord", account: guild }),
    ]);
  });

  it("keeps a server with its tenant when added again, and refuses another tenant's connect link", async () => {
    const ctx = setup("again");
    const guild = "810000000000000007";
    const first = await startInstall(ctx.e);
    expect((await finish(ctx, first.state, guild, "Again")).res.status).toBe(200);
    const dir = directory(ctx.e);
    const tenant = (await dir.installation("discord", guild))?.tenant;
    expect(tenant).toBeTruthy();

    // Added again without a link: the same tenant, not a new one.
    const second = await startInstall(ctx.e);
    expect((await finish(ctx, second.state, guild, "Again")).res.status).toBe(200);
    expect((await dir.installation("discord", guild))?.tenant).toBe(tenant);

    // Another tenant's connect link cannot take the server over.
    const link = await call(ctx.e, "/api/tenants/discord-thief/connect/discord", {
      method: "POST",
      headers: ADMIN,
    });
    const { url } = (await link.json()) as { url: string };
    const { state } = await startInstall(ctx.e, url);
    const taken = await finish(ctx, state, guild, "Again");
    expect(taken.res.status).toBe(409);
    expect((await dir.installation("discord", guild))?.tenant).toBe(tenant);
    expect(await dir.chatTenant("discord", guild)).toBe(tenant);
    expect(await dir.installationsOf("discord-thief")).toEqual([]);
  });

  it("refuses a forged or replayed state and stores nothing", async () => {
    const ctx = setup("forged");
    const guild = "810000000000000004";
    await ctx.api.script(`${API}/oauth2/token`, [{ body: grant(guild, "Forged") }]);
    const forged = await call(ctx.e, `/discord/oauth_redirect?code=x&state=${"D".repeat(43)}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("cannot be used");
    const missing = await call(ctx.e, "/discord/oauth_redirect?code=x");
    expect(missing.status).toBe(400);
    expect(await ctx.api.requests(`${API}/oauth2/token`)).toHaveLength(0);
    expect(await ctx.api.requests(`${API}/applications/`)).toHaveLength(0);
    expect(await directory(ctx.e).installation("discord", guild)).toBeNull();
    expect(await directory(ctx.e).chatTenant("discord", guild)).toBeNull();

    // A state is good once.
    const { state } = await startInstall(ctx.e);
    const other = "810000000000000005";
    expect((await finish(ctx, state, other, "Once")).res.status).toBe(200);
    const replay = await call(ctx.e, `/discord/oauth_redirect?code=again&state=${state}`);
    expect(replay.status).toBe(400);
    expect(await ctx.api.requests(`${API}/oauth2/token`)).toHaveLength(1);
  });

  it("explains a cancelled consent and stores nothing", async () => {
    const ctx = setup("denied");
    const { state } = await startInstall(ctx.e);
    const res = await call(ctx.e, `/discord/oauth_redirect?error=access_denied&state=${state}`);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("Foreman was not added to Discord");
    expect(text).toContain("nothing was installed");
    expect(await ctx.api.requests(API)).toHaveLength(0);
    // The cancelled install's state is spent.
    expect((await call(ctx.e, `/discord/oauth_redirect?code=x&state=${state}`)).status).toBe(400);
  });

  it("answers 502 when Discord refuses the code, and stores nothing", async () => {
    const ctx = setup("refused");
    const guild = "810000000000000006";
    const { state } = await startInstall(ctx.e);
    await ctx.api.script(`${API}/oauth2/token`, [{ status: 400, body: { error: "invalid_grant" } }]);
    const res = await call(ctx.e, `/discord/oauth_redirect?code=stale&state=${state}&guild_id=${guild}`);
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain("invalid_grant");
    expect(text).toContain("Nothing was stored");
    expect(await ctx.api.requests(`${API}/applications/`)).toHaveLength(0);
    expect(await directory(ctx.e).installation("discord", guild)).toBeNull();
    expect(await directory(ctx.e).chatTenant("discord", guild)).toBeNull();
  });

  it("says so when the deployment has no Discord client secret", async () => {
    const { e } = setup("unconfigured");
    const unconfigured = { ...e, DISCORD_CLIENT_SECRET: undefined };
    const res = await call(unconfigured, "/discord/install");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("DISCORD_CLIENT_SECRET");
    expect(res.headers.get("Location")).toBeNull();
  });
});
