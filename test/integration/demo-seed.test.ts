/**
 * The demo tenant's seed (src/agents/coordinator/demo-history.ts) gives a fresh tenant a team, yet
 * leaves the first-run rule in force: someone not on the team may still link a repository in chat
 * (a lead in the seed would end that rule, and `npm run dev` tried from a real Slack would refuse).
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { unwrap } from "../../src/platform/errors";
import { settings } from "../../src/settings/stub";
import { chatContext, run, slack } from "../commands/helpers";

const TENANT = "demo-seed-first-run";

it("after the demo seed, anyone may still set up in chat (no lead was made)", async () => {
  unwrap(await coordinator(env, TENANT).seedDemo(TENANT));
  expect(await settings(env, TENANT).team()).toHaveLength(12);
  const ctx = chatContext(TENANT, {
    actor: slack("U0NEWCOMER", "newcomer"),
    place: { workspaceId: "T0DEMOSEED" },
    channelId: "C0DEMOSEED",
  });
  const reply = await run("link github acme/private-api", ctx);
  expect(reply.tone).toBe("success");
  const links = await settings(env, TENANT).links();
  expect(links.map((l) => l.target)).toContain("acme/private-api");
});
