/** APPLICATION_COMMAND interactions: parsing like the text form, in-time answers, context. */
import { waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { userRef } from "../../../src/chat/markup";
import { reply } from "../../../src/chat/reply";
import type { CommandContext } from "../../../src/commands/context";
import { commandFromDiscord, type DiscordInteractionData } from "../../../src/commands/discord";
import { parseCommand } from "../../../src/commands/parse";
import type { ParseResult } from "../../../src/commands/types";
import { createApp } from "../../../src/http/app";
import { hasAdminPermission } from "../../../src/integrations/discord/context";
import { isPersonal } from "../../../src/integrations/discord/interactions";
import {
  call,
  discordApp,
  discordEnv,
  FIXTURES,
  generateKeyPair,
  type KeyPair,
  responseOf,
  signedRequest,
  variant,
} from "./support";

let keys: KeyPair;
beforeAll(async () => {
  keys = await generateKeyPair();
});

function data(path: string[], options: DiscordInteractionData["options"] = []): DiscordInteractionData {
  const [first = "", second] = path;
  const sub = { type: 1, name: second ?? first, options };
  return {
    name: "foreman",
    options: [second === undefined ? sub : { type: 2, name: first, options: [sub] }],
  };
}

describe("Discord commands parse to the same typed command as the Slack text form", () => {
  it("the team add fixture (subcommand group, user option, resolved)", () => {
    const fromDiscord = commandFromDiscord(FIXTURES.commandTeamAdd.data);
    expect(fromDiscord).toStrictEqual(
      parseCommand("team add <@123456789012345678> github:alice --tz Europe/Berlin --lead"),
    );
    expect(fromDiscord).toMatchObject({ ok: true, command: { name: "team.add", lead: true } });
  });

  it.each([
    ["help", data(["help"])],
    [
      'workflow create "release train" --priority high',
      data(
        ["workflow", "create"],
        [
          { name: "name", type: 3, value: "release train" },
          { name: "priority", type: 3, value: "high" },
        ],
      ),
    ],
    [
      "sla set 24 --repo acme/api",
      data(
        ["sla", "set"],
        [
          { name: "hours", type: 10, value: 24 },
          { name: "repo", type: 3, value: "acme/api" },
        ],
      ),
    ],
    [
      "digest schedule 09:30 Europe/Berlin mon,wed,fri",
      data(
        ["digest", "schedule"],
        [
          { name: "time", type: 3, value: "09:30" },
          { name: "tz", type: 3, value: "Europe/Berlin" },
          { name: "days-list", type: 3, value: "mon,wed,fri" },
        ],
      ),
    ],
  ])("%s", (text, discord) => {
    const fromText = parseCommand(text);
    expect(fromText.ok).toBe(true);
    expect(commandFromDiscord(discord)).toStrictEqual(fromText);
  });
});

describe("APPLICATION_COMMAND", () => {
  it("/foreman help through the Worker's app: type 4, ephemeral, with embeds", async () => {
    const { res, ctx } = await call(
      createApp(),
      await signedRequest(keys, FIXTURES.commandHelp),
      discordEnv(keys),
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const body = await responseOf(res);
    if (body.type !== 4) throw new Error(`expected type 4, got ${JSON.stringify(body)}`);
    expect(body.data.flags).toBe(64);
    expect(body.data.embeds.length).toBeGreaterThan(0);
    expect(body.data.embeds[0]?.title).toBe("Foreman commands");
    expect(JSON.stringify(body.data.embeds)).toContain("/foreman team add");
    expect(body.data.allowed_mentions).toStrictEqual({ parse: [], users: [] });
  });

  it("builds the context from the interaction: actor, place, tenant, admin from permissions", async () => {
    const seen: { result: ParseResult; ctx: CommandContext }[] = [];
    const app = discordApp({
      resolveTenant: async (_env, platform, workspace) => `t-${platform}-${workspace.slice(-3)}`,
      runParsed: async (result, ctx) => {
        seen.push({ result, ctx });
        return reply(`Added ${userRef("123456789012345678")} to the team`, {
          ephemeral: false,
          tone: "success",
        });
      },
    });
    const { res } = await call(app, await signedRequest(keys, FIXTURES.commandTeamAdd), discordEnv(keys));
    const body = await responseOf(res);
    expect(body).toStrictEqual({
      type: 4,
      data: {
        content: "Added <@123456789012345678> to the team",
        embeds: [],
        components: [],
        allowed_mentions: { parse: [], users: ["123456789012345678"] },
      },
    });
    const [first] = seen;
    expect(first?.result).toMatchObject({ ok: true, command: { name: "team.add" } });
    expect(first?.ctx).toMatchObject({
      tenant: "t-discord-001",
      actor: { platform: "discord", id: "987654321098765432", name: "grace" },
      place: { platform: "discord", workspaceId: "1190000000000000001", channelId: "1190000000000000002" },
    });
    expect(await first?.ctx.platformAdmin()).toBe(true);
  });

  it("a parse error is answered in time, ephemerally, with the usage", async () => {
    const bad = variant(FIXTURES.commandHelp, {
      id: "1190000000000000201",
      data: data(["sla", "set"], [{ name: "hours", type: 10, value: 0 }]),
    });
    const { res } = await call(discordApp(), await signedRequest(keys, bad), discordEnv(keys));
    const body = await responseOf(res);
    if (body.type !== 4) throw new Error("expected type 4");
    expect(body.data.flags).toBe(64);
    expect(body.data.content).toMatch(/Invalid number of hours "0"/);
    expect(JSON.stringify(body.data.embeds)).toContain("Usage:");
  });

  it("a failing command answers with an ephemeral error naming the reference", async () => {
    const app = discordApp({
      resolveTenant: async () => "t-discord-fail",
      runParsed: async () => {
        throw new Error("boom");
      },
    });
    const { res } = await call(app, await signedRequest(keys, FIXTURES.commandTeamAdd), discordEnv(keys));
    const body = await responseOf(res);
    if (body.type !== 4) throw new Error("expected type 4");
    expect(body.data.flags).toBe(64);
    // Foreman's own text is escaped too (`\(` shows as `(`).
    expect(body.data.content).toMatch(/Something went wrong \\\(reference `[\w-]+`\\\)/);
  });

  it("outside a server (DM) it explains that Foreman works in servers", async () => {
    const { member, guild_id: _, guild: __, ...rest } = FIXTURES.commandHelp;
    const dm = { ...rest, user: member.user, id: "1190000000000000202" };
    const { res } = await call(discordApp(), await signedRequest(keys, dm), discordEnv(keys));
    const body = await responseOf(res);
    if (body.type !== 4) throw new Error("expected type 4");
    expect(body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/works in servers/) });
  });

  it("autocomplete gets empty choices; modals are not supported", async () => {
    const auto = variant(FIXTURES.commandHelp, { type: 4 });
    const a = await call(discordApp(), await signedRequest(keys, auto), discordEnv(keys));
    expect(await a.res.json()).toStrictEqual({ type: 8, data: { choices: [] } });
    const modal = variant(FIXTURES.commandHelp, { type: 5, data: { custom_id: "form" } });
    const m = await responseOf(
      (await call(discordApp(), await signedRequest(keys, modal), discordEnv(keys))).res,
    );
    expect(m).toMatchObject({ type: 4, data: { flags: 64, content: "Forms are not supported by Foreman." } });
  });
});

describe("helpers", () => {
  it("admin = Manage Server (0x20) or Administrator (0x8), read as a 64-bit set", () => {
    expect(hasAdminPermission("32")).toBe(true);
    expect(hasAdminPermission("8")).toBe(true);
    expect(hasAdminPermission("2251799813685247")).toBe(true);
    expect(hasAdminPermission("1071698660929")).toBe(false);
    expect(hasAdminPermission(String(2n ** 50n))).toBe(false);
    expect(hasAdminPermission(String(2n ** 50n + 32n))).toBe(true);
    expect(hasAdminPermission(undefined)).toBe(false);
    expect(hasAdminPermission("-1")).toBe(false);
  });

  it("personal commands (deferred ephemerally): all but those announced to the channel", () => {
    expect(isPersonal(parseCommand("help"))).toBe(true);
    expect(isPersonal(parseCommand("team list"))).toBe(true);
    expect(isPersonal(parseCommand("review mine"))).toBe(true);
    expect(isPersonal(parseCommand("frobnicate"))).toBe(true);
    expect(isPersonal(parseCommand("team add <@123456789012345678> github:alice"))).toBe(true);
    expect(isPersonal(parseCommand("workflow create hotfix"))).toBe(false);
    // `link` answers only the admin who ran it: the reply may carry the webhook secret.
    expect(isPersonal(parseCommand("link github acme/api"))).toBe(true);
    expect(isPersonal(parseCommand("unlink github acme/api"))).toBe(false);
    expect(isPersonal(parseCommand("digest schedule 09:00"))).toBe(false);
  });
});
