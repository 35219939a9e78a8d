import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { chatContext, run, shown } from "./helpers";

describe("link, unlink, links", () => {
  it("links a repo and a Linear team (answered privately, with the webhook steps); links lists them; unlink removes", async () => {
    const ctx = { ...chatContext("lnk-basic"), requestUrl: "https://foreman.example/slack/events" };
    const linked = await run("link github https://github.com/Acme/API", ctx);
    expect(unmarked(linked.text)).toBe("Linked GitHub **acme/api** to this channel.");
    expect(linked.ephemeral).toBe(true);
    const steps = shown(linked);
    expect(steps).toContain("**Waiting for the first signed delivery.**");
    expect(steps).toContain("On GitHub, open `acme/api` → Settings → Webhooks → Add webhook.");
    expect(steps).toMatch(
      /Payload URL: `https:\/\/foreman\.example\/api\/webhooks\/github\/t\/hk_[a-z2-7]{20}`/,
    );
    expect(steps).toContain("Content type: `application/json`");
    expect(steps).toMatch(/Secret: `fmwh_[A-Za-z0-9_-]{43}` — shown only now/);
    expect(steps).toContain("Pull requests, Pull request reviews");
    expect(steps).not.toMatch(/docs\/|\.md\b|src\//);

    const again = await run("link github acme/api", ctx);
    expect(unmarked(again.text)).toBe("GitHub **acme/api** was already linked to this channel.");
    expect(again.ephemeral).toBe(true);
    expect(shown(again)).not.toContain("fmwh_");
    expect(shown(again)).toContain("Secret: the one shown when this team's GitHub webhook was made.");
    // Another repository: the same URL, the secret not shown again.
    const web = shown(await run("link github acme/web", ctx));
    expect(web).not.toContain("fmwh_");
    expect(web).toContain(/Payload URL: (`[^`]+`)/.exec(steps)?.[1] ?? "missing");
    await run("unlink github acme/web", ctx);

    const linear = shown(await run("link linear eng", ctx));
    expect(linear).toMatch(/URL: `https:\/\/foreman\.example\/api\/webhooks\/linear\/t\/hk_[a-z2-7]{20}`/);
    expect(linear).toContain("Linear makes its own signing secret: give it to Foreman");
    expect(linear).toMatch(/Give it this secret: `fmwh_[A-Za-z0-9_-]{43}` — shown only now/);
    await run("link github acme/api", chatContext("lnk-basic", { channelId: "C0OPS" }));

    const list = await run("links", ctx);
    expect(unmarked(list.text)).toBe("This channel: GitHub acme/api, Linear ENG.");
    expect(shown(list)).toContain("GitHub `acme/api` — waiting for the first signed delivery — <#C0OPS>");
    expect(shown(list)).toContain("Set up the GitHub webhook (waiting for the first signed delivery)");
    expect(shown(list)).not.toContain("fmwh_");

    const unlinked = await run("unlink github acme/api", ctx);
    expect(unlinked.ephemeral).toBe(false);
    expect(unmarked(unlinked.text)).toBe("Unlinked GitHub **acme/api** from this channel.");
    expect(shown(unlinked)).toContain("Still linked in <#C0OPS>.");
    expect(shown(unlinked)).toContain("Linear `ENG`");
  });

  it("says plainly when no webhook secret can be made (no encryption key) and the deployment's URL is the way", async () => {
    const noKey = { TOKEN_ENCRYPTION_KEY: "", DEMO_MODE: "false" };
    const other = await run("link github acme/nokey", chatContext("lnk-nokey", { env: noKey }));
    expect(other.tone).toBe("success");
    expect(shown(other)).toContain("whoever runs Foreman must first set the TOKEN_ENCRYPTION_KEY secret");
    expect(shown(other)).not.toContain("Payload URL");
    // The default tenant can still use the deployment's URL with its shared secret.
    const seed = await run(
      "link github acme/nokey-default",
      chatContext("lnk-nokey-default", { env: { ...noKey, FOREMAN_DEFAULT_TENANT: "lnk-nokey-default" } }),
    );
    expect(shown(seed)).toContain("Payload URL: `/api/webhooks/github`");
    expect(shown(seed)).toContain("this deployment's shared secret (`GITHUB_WEBHOOK_SECRET`)");
  });

  it("unlink of something not linked here is a private 404-style answer saying where it is linked", async () => {
    const ctx = chatContext("lnk-missing");
    await run("link linear OPS", chatContext("lnk-missing", { channelId: "C0ELSE" }));
    const reply = await run("unlink linear ops", ctx);
    expect(reply.ephemeral).toBe(true);
    expect(reply.tone).toBe("error");
    expect(unmarked(reply.text)).toBe("Linear **OPS** is not linked to this channel.");
    expect(shown(reply)).toContain("It is linked in <#C0ELSE>: unlink it there.");
    expect(unmarked((await run("unlink github a/b", ctx)).text)).toBe(
      "GitHub **a/b** is not linked to this channel.",
    );
    expect(unmarked((await run("links", ctx)).text)).toBe("Nothing is linked to this channel.");
  });
});

describe("sla", () => {
  it("shows the 8 h default, sets scoped rules, replaces one of the same scope", async () => {
    const ctx = chatContext("sla-basic");
    const initial = await run("sla show", ctx);
    expect(unmarked(initial.text)).toBe("All pull requests: **8 h** (default)");
    await run("link github acme/api", ctx);
    const scoped = await run("sla set 4 --repo acme/api --label hotfix", ctx);
    expect(unmarked(scoped.text)).toBe(
      "Review SLA for pull requests in `acme/api` labelled `hotfix`: **4 h**.",
    );
    await run("sla set 8 --label security", ctx);
    await run("sla set 12 --repo acme/web", ctx);
    const replaced = await run("sla set 6 --repo acme/web", ctx);
    expect(unmarked(replaced.text)).toContain("**6 h** (was 12 h)");
    await run("sla set 48", ctx);
    const rules = (await run("sla show", ctx)).sections
      .find((s) => s.title === "Rules")
      ?.lines?.map(unmarked);
    expect(rules).toEqual([
      "Pull requests in `acme/api` labelled `hotfix`: **4 h**",
      "Pull requests labelled `security`: **8 h**",
      "Pull requests in `acme/web`: **6 h**",
      "All pull requests: **48 h**",
      "Note: `acme/web` is not linked to any channel yet (`/foreman link github acme/web`).",
    ]);
    expect(unmarked((await run("sla set 1.5", ctx)).text)).toContain("**1.5 h**");
  });
});

describe("digest", () => {
  it("schedules in the requester's roster zone (else UTC), announced; off removes; now needs a linked repository", async () => {
    const now = new Date("2026-11-23T07:00:00Z"); // Monday
    const ctx = chatContext("dig-basic", { now });
    const utc = await run("digest schedule 16:00 mon,wed,fri", ctx);
    expect(unmarked(utc.text)).toBe(
      "Digest for this channel: **16:00** UTC, Mon, Wed, Fri (next: Mon 2026-11-23).",
    );
    expect(shown(utc)).toContain("Time zone UTC: add one");
    expect(utc.ephemeral).toBe(false);
    await run("team add <@U0ALICE|alice> github:alice --tz Asia/Kolkata --lead", ctx);
    const mine = await run("digest schedule 09:00", ctx);
    expect(unmarked(mine.text)).toContain("**09:00** Asia/Kolkata, Mon-Fri (next: Tue 2026-11-24)");
    expect(shown(mine)).toContain("Replaces **16:00** UTC, Mon, Wed, Fri.");
    expect(shown(mine)).toContain("yours from the team roster");
    const explicit = await run("digest schedule 09:30 Europe/Berlin daily", ctx);
    expect(unmarked(explicit.text)).toContain("**09:30** Europe/Berlin, every day (next: Mon 2026-11-23)");
    expect(shown(await run("status", ctx))).toContain("Digest: **09:30** Europe/Berlin, every day");

    const nowReply = await run("digest now", ctx);
    expect(unmarked(nowReply.text)).toBe("No repository is linked to this channel: nothing was posted.");
    expect(nowReply.ephemeral).toBe(true);

    const off = await run("digest off", ctx);
    expect(off.ephemeral).toBe(false);
    expect(shown(off)).toContain("Was **09:30** Europe/Berlin, every day.");
    const again = await run("digest off", ctx);
    expect(unmarked(again.text)).toBe("This channel has no digest schedule.");
    expect(again.ephemeral).toBe(true);
  });
});

describe("reviews before any webhook arrived", () => {
  it("says the queue is empty and shows what is configured", async () => {
    const ctx = chatContext("rev-honest", { env: { FOREMAN_CHAT_ADMINS: "U0ALICE" } });
    await run("link github acme/api", ctx);
    await run("team add <@U0ALICE|alice> github:alice", ctx);
    await run("team add <@U0BOB|bob> github:bob", ctx);
    await run("ooo <@U0BOB|bob>", ctx);
    const list = await run("review list", ctx);
    expect(shown(list)).toContain("`acme/api` — this channel");
    expect(shown(list)).toContain("All pull requests: **8 h** (default)");
    expect(shown(await run("review mine", ctx))).toContain("You are on the team as `alice`");
    const assign = await run("review assign acme/api#42", ctx);
    expect(unmarked(assign.text)).toContain("nothing was assigned to `acme/api#42`");
    expect(shown(assign)).toContain("choose among 2 team members, skipping 1 out of office today");
    expect(shown(assign)).toContain("`acme/api` is linked in this channel");
  });
});
