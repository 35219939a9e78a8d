/**
 * Adding Foreman to a Discord server: `GET /discord/install[?state=…]` sends the browser to
 * Discord's OAuth2 screen (bot + applications.commands, Foreman's permissions); `GET
 * /discord/oauth_redirect` takes the state, exchanges the code (the answer names the server), binds
 * the server to the state's tenant — or, for a first install with no state, to a new tenant — and
 * registers the slash commands for that server when the application has no global ones yet.
 */

import type { Context } from "hono";
import { auditChange } from "../../agents/coordinator/audit";
import {
  type DiscordGrant,
  DiscordOAuthError,
  discordAuthorizeUrl,
  discordOAuthConfig,
  exchangeDiscordCode,
  registerGuildCommands,
} from "../../integrations/discord/oauth";
import { defaultFetch } from "../../platform/http-client";
import { recordInstall } from "../../tenants/installs";
import { directory } from "../../tenants/stub";
import type { AppEnv } from "../types";
import { finishState, hostnameOf, originOf, platformErrorPage, startInstall } from "./flow";
import { type Page, pageResponse } from "./pages";

export const DISCORD_REDIRECT_PATH = "/discord/oauth_redirect";

const NOT_CONFIGURED: Page = {
  status: 503,
  title: "Discord installs are not set up here",
  lines: [
    "Whoever runs this Foreman has not given it the Discord application's id and OAuth2 client secret (DISCORD_APPLICATION_ID, DISCORD_CLIENT_SECRET).",
  ],
};

export async function discordInstall(c: Context<AppEnv>): Promise<Response> {
  const config = discordOAuthConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const redirectUri = `${originOf(c)}${DISCORD_REDIRECT_PATH}`;
  const state = c.req.query("state");
  return startInstall(c, "discord", { tenant: null, createdBy: null, ...(state ? { state } : {}) }, (s) =>
    discordAuthorizeUrl(config, { redirectUri, state: s }),
  );
}

export async function discordRedirect(c: Context<AppEnv>): Promise<Response> {
  const error = c.req.query("error");
  const finished = await finishState(c, "discord");
  if (error !== undefined)
    return pageResponse(platformErrorPage("discord", error, c.req.query("error_description") ?? null));
  if (!finished.ok) return pageResponse(finished.page);
  const config = discordOAuthConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const code = c.req.query("code");
  if (!code)
    return pageResponse({ status: 400, title: "Discord sent no code", lines: ["Nothing was installed."] });
  let grant: DiscordGrant;
  try {
    grant = await exchangeDiscordCode(
      config,
      { code, redirectUri: `${originOf(c)}${DISCORD_REDIRECT_PATH}` },
      defaultFetch,
    );
  } catch (err) {
    if (!(err instanceof DiscordOAuthError)) throw err;
    return pageResponse({
      status: 502,
      title: "Discord did not finish the install",
      lines: [`${err.message}. Nothing was stored; start again.`],
    });
  }
  const { guild } = grant;
  const dir = directory(c.env);
  const known = await dir.installation("discord", guild.id);
  const name = guild.name ?? guild.id;
  const invited = finished.taken.tenant;
  if (known && invited !== null && known.tenant !== invited) {
    return pageResponse({
      status: 409,
      title: "This server already has Foreman",
      lines: [`${name} is connected to another Foreman team; nothing changed.`],
    });
  }
  const tenant = known?.tenant ?? invited ?? (await dir.newTenant(name));
  const outcome = await recordInstall(c.env, {
    platform: "discord",
    account: guild.id,
    tenant,
    name,
    installer: null,
    details: { guildId: guild.id },
    chat: [{ platform: "discord", workspaceId: guild.id }],
    hostname: hostnameOf(c),
  });
  if (!outcome.recorded)
    return pageResponse({
      status: 409,
      title: "This server already has Foreman",
      lines: [`${name} is connected to another Foreman team.`],
    });
  const commands = await registerGuildCommands(config, guild.id, defaultFetch);
  await auditChange(c.env, tenant, {
    actor: `discord:${guild.id}`,
    action: known ? "install.renewed" : "install.created",
    target: `discord:${guild.id}`,
    correlationId: c.get("correlationId"),
  });
  const note: Record<typeof commands, string> = {
    global: "Foreman's slash commands are registered for every server.",
    registered: "Foreman's slash commands were registered for this server.",
    no_token:
      "Slash commands could not be registered: this Foreman has no DISCORD_BOT_TOKEN. Its admin can run npm run discord:register.",
    failed:
      "Slash commands could not be registered just now: this Foreman's admin can run npm run discord:register.",
  };
  return pageResponse({
    status: 200,
    title: `Foreman is in ${name}`,
    lines: [note[commands], "Next: type /foreman setup in the channel where your team works."],
  });
}
