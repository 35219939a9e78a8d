import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { outbox } from "../../src/delivery/stub";
import { directory } from "../../src/tenants/stub";
import { chatContext, click, run, SLACK_WS, shown } from "./helpers";

const ORIGIN = "https://foreman.example";
const at = (tenant: string, extra: Parameters<typeof chatContext>[1] = {}) => ({
  ...chatContext(tenant, {
    ...extra,
    env: {
      SLACK_BOT_TOKEN: undefined,
      GITHUB_APP_SLUG: "foreman-test",
      LINEAR_CLIENT_ID: "lin-client",
      ...extra.env,
    },
  }),
  requestUrl: `${ORIGIN}/slack/events`,
});

const seedGithub = (tenant: string, repos = ["acme/x"]) =>
  outbox(env, tenant).putCredential({
    platform: "github",
    account: "1",
    sealed: null,
    details: { account: "acme" },
    repos,
  });

describe("/foreman setup", () => {
  it("with no installs: every step open, Install Slack and Connect GitHub/Linear links for an admin", async () => {
    const answer = await run("setup", at("setup-none"));
    const text = unmarked(shown(answer));
    expect(text).toContain("1. Slack ○");
    expect(text).toContain("2. GitHub App ○");
    expect(text).toContain("3. Linear (optional)");
    expect(text).toContain("No repository is linked to this channel yet.");
    expect(text).toContain("No one on the team yet");
    expect(text).toContain("`/foreman team import github:<org>/<team>`");
    expect(text).toContain("All pull requests: **8 h** (default)");
    expect(text).toContain("`/foreman sla set <hours>`");
    expect(text).toContain("No digest in this channel yet");
    const links = answer.buttons.filter((b) => b.url);
    expect(links.map((b) => b.label)).toStrictEqual(["Install Slack", "Connect GitHub", "Connect Linear"]);
    expect(links[0]?.url).toBe(`${ORIGIN}/slack/install`);
    expect(links[1]?.url).toMatch(/^https:\/\/foreman\.example\/github\/install\?state=[A-Za-z0-9_-]{43}$/);
    expect(links[2]?.url).toMatch(/^https:\/\/foreman\.example\/linear\/install\?state=[A-Za-z0-9_-]{43}$/);
    // A state per call: a second checklist carries a new link.
    const again = await run("setup", at("setup-none"));
    expect(again.buttons.find((b) => b.label === "Connect GitHub")?.url).not.toBe(links[1]?.url);
  });

  it("without a GitHub App on the deployment: points at webhooks, GITHUB_TOKEN and link github", async () => {
    const text = unmarked(
      shown(await run("setup", at("setup-noapp", { env: { GITHUB_APP_SLUG: undefined } }))),
    );
    expect(text).toContain("2. GitHub ○");
    expect(text).toContain("GITHUB_TOKEN");
    expect(text).toContain("`/foreman link github owner/repo`");
  });

  it("Slack installed and GitHub connected: ticks with the workspace name, repositories and accounts, and a menu", async () => {
    const tenant = "setup-installed";
    await directory(env).recordInstallation({
      platform: "slack",
      account: SLACK_WS,
      tenant,
      name: "Acme *Corp*",
      installer: "slack:U0ALICE",
      details: {},
    });
    await seedGithub(tenant, ["acme/x", "acme/y"]);
    const ctx = at(tenant);
    const answer = await run("setup", ctx);
    const text = unmarked(shown(answer));
    expect(text).toContain("1. Slack ✓");
    expect(shown(answer)).toContain("Acme *Corp*");
    expect(text).toContain("2. GitHub App ✓");
    expect(text).toContain("Installed on **acme** (2 repositories): 2 repositories in all.");
    expect(answer.buttons.find((b) => b.label === "Connect GitHub")).toBeUndefined();
    expect(answer.select?.options.map((o) => o.action)).toStrictEqual([
      "fm1:link.github:acme/x",
      "fm1:link.github:acme/y",
    ]);
    // Choosing one links it through `link github`.
    const linked = await click("fm1:link.github:acme/y", ctx);
    expect(unmarked(linked.text)).toBe("Linked GitHub **acme/y** to this channel.");
    const after = await run("setup", ctx);
    expect(unmarked(shown(after))).toContain("Linked here: `acme/y`.");
    expect(after.select?.options.map((o) => o.action)).toStrictEqual(["fm1:link.github:acme/x"]);
  });

  it("revoked Slack install: says when and why, with the reinstall link", async () => {
    const tenant = "setup-revoked";
    await directory(env).recordInstallation({
      platform: "slack",
      account: "T0REVOKED",
      tenant,
      name: "Acme",
      installer: null,
      details: {},
    });
    await directory(env).revokeInstallation("slack", "T0REVOKED", "app_uninstalled");
    const answer = await run("setup", at(tenant, { place: { workspaceId: "T0REVOKED" } }));
    const text = unmarked(shown(answer));
    expect(text).toContain("1. Slack ○");
    expect(text).toMatch(/Removed on \d{4}-\d{2}-\d{2} \(app_uninstalled\)/);
    expect(answer.buttons.find((b) => b.label === "Reinstall Slack")?.url).toBe(`${ORIGIN}/slack/install`);
  });

  it("a non-admin gets no install links (no state minted for them)", async () => {
    const tenant = "setup-member";
    await run("team add <@U0BOSS|boss> github:boss --lead", at(tenant));
    const answer = await run("setup", at(tenant, { actor: { platform: "slack", id: "U0BOB", name: "bob" } }));
    expect(answer.buttons.filter((b) => b.label.startsWith("Connect"))).toStrictEqual([]);
    expect(unmarked(shown(answer))).toContain("A chat admin can connect it with `/foreman setup`.");
  });
});

describe("link github with a GitHub App", () => {
  it("refuses a repository no installation covers, with the accounts and what to do; links a covered one", async () => {
    const tenant = "link-app";
    await seedGithub(tenant);
    const ctx = at(tenant);
    const refused = await run("link github acme/other", ctx);
    expect(refused.tone).toBe("warning");
    const text = unmarked(shown(refused));
    expect(text).toContain(
      "GitHub **acme/other** is not covered by this team's GitHub App, so it was not linked.",
    );
    expect(text).toContain("The App is installed on **acme** (1 repository)");
    expect(text).toContain("Add the repository to the installation on GitHub");
    expect(refused.buttons[0]?.url).toBe("https://github.com/apps/foreman-test/installations/new");
    expect(unmarked(shown(await run("links", ctx)))).toContain("Nothing is linked to this channel.");

    const linked = await run("link github acme/x", ctx);
    expect(unmarked(linked.text)).toBe("Linked GitHub **acme/x** to this channel.");
  });

  it("without a repository offers a menu of the covered ones; without the App asks for the name", async () => {
    const tenant = "link-menu";
    await seedGithub(tenant, ["acme/a", "acme/b", "acme/c"]);
    const menu = await run("link github", at(tenant));
    expect(menu.select?.options.map((o) => unmarked(o.label))).toStrictEqual(["acme/a", "acme/b", "acme/c"]);
    expect(unmarked(shown(menu))).toContain("`/foreman link github owner/repo`");
    const none = await run("link github", at("link-menu-none"));
    expect(none.select).toBeUndefined();
    expect(unmarked(none.text)).toBe("Name the repository to link.");
    // Without the App, a repository links as before (webhook path).
    expect(unmarked((await run("link github acme/z", at("link-menu-none"))).text)).toBe(
      "Linked GitHub **acme/z** to this channel.",
    );
  });
});
