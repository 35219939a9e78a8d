import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeAction } from "../../src/chat/actions";
import { unmarked } from "../../src/chat/markup";
import { listOutbox } from "../../src/delivery/api";
import type { Env } from "../../src/env";
import {
  CHANNEL,
  deliver,
  MONDAY_9,
  only,
  prEvent,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, click, run, shown, slack } from "../commands/helpers";
import { recordingQueue, runQueue } from "../delivery/support";

describe("/foreman digest now", () => {
  it("posts the channel's digest once, naming the pull request and its reviewer", async () => {
    const tenant = "t-digest-now";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, title: "Add the widget cache" }, h.clock.t));

    const { queue, sent } = recordingQueue();
    const testEnv: Env = { ...env, OUTBOUND: queue, DEMO_MODE: "true", SLACK_BOT_TOKEN: "" };
    const ctx = chatContext(tenant, {
      actor: slack("U0CAROL", "carol"),
      channelId: CHANNEL.channelId,
      env: testEnv,
      now: new Date(MONDAY_9 + 2 * 3_600_000),
    });
    const answer = await run("digest now", ctx);
    expect(unmarked(answer.text)).toBe("The digest is on its way to this channel: 1 pull request waiting.");
    expect(answer.ephemeral).toBe(true);
    // The same minute posts once (idempotency key digest:now:<channel>:<minute>), and says so.
    const again = await run("digest now", ctx);
    expect(again.text).toBe(
      "The digest was already posted in this channel this minute: nothing new was sent.",
    );

    expect(sent.map((d) => d.key)).toEqual([`digest:now:${CHANNEL.channelId}:2030-01-07T11:00`]);
    await runQueue(
      testEnv,
      sent.map((body) => ({ body })),
    );
    const posted = only(await listOutbox(testEnv, tenant, { limit: 10 }));
    expect(posted).toMatchObject({ platform: "slack", action: "chat.postMessage" });
    expect(posted.body.channel).toBe(CHANNEL.channelId);
    const body = JSON.stringify(posted.body);
    expect(body).toContain("acme/widgets#1");
    expect(body).toContain("Add the widget cache");
    expect(body).toContain("<@U0BOB>");
    expect(body).toContain("fm1:digest.refresh:");

    const refreshed = await click(encodeAction("digest.refresh"), ctx);
    expect(refreshed.replaceOriginal).toBe(true);
    expect(unmarked(refreshed.text)).toBe("1 pull request waiting for review, oldest first.");
    expect(shown(refreshed)).toContain("<@U0BOB> — 1 pull request");
  });

  it("without a repository linked to the channel, says so and posts nothing", async () => {
    const { queue, sent } = recordingQueue();
    const ctx = chatContext("t-digest-unlinked", { env: { OUTBOUND: queue } });
    const answer = await run("digest now", ctx);
    expect(unmarked(answer.text)).toBe("No repository is linked to this channel: nothing was posted.");
    expect(answer.ephemeral).toBe(true);
    expect(sent).toEqual([]);
  });
});
