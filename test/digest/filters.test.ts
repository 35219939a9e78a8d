import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { buildChannelDigest } from "../../src/digest/gather";
import type { Env } from "../../src/env";
import {
  CHANNEL,
  deliver,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  reviewManager,
  reviewRequest,
  reviewSubmitted,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, run, shown, slack } from "../commands/helpers";
import { recordingQueue } from "../delivery/support";

const NOW = new Date(MONDAY_9 + 6 * HOUR);

/** Four PRs: #1 plain, #2 labelled wip, #3 a draft, #4 approved once (bob or carol still to review). */
async function tenantWithPrs(tenant: string) {
  await setupTenant(tenant, undefined, 8);
  const h = await reviewManager(tenant);
  const t = h.clock.t;
  await deliver(
    h,
    prEvent("opened", { number: 1, title: "Plain change" }, t),
    prEvent("opened", { number: 2, title: "Work in progress", labels: ["WIP"] }, t + 1),
    prEvent("opened", { number: 3, title: "Draft idea", draft: true }, t + 2),
    prEvent("opened", { number: 4, title: "Almost done" }, t + 3),
    reviewRequest({ number: 4, title: "Almost done" }, { login: "dave" }, t + 4),
    reviewSubmitted({ number: 4, title: "Almost done" }, "dave", t + 5, "approved"),
  );
  return h;
}

const lead = (tenant: string, extra: Partial<Env> = {}) =>
  chatContext(tenant, { actor: slack("U0LENA", "lena"), channelId: CHANNEL.channelId, now: NOW, env: extra });

async function digestText(tenant: string): Promise<string> {
  const built = await buildChannelDigest({
    env,
    tenant,
    channel: CHANNEL,
    correlationId: "test",
    nowMs: NOW.getTime(),
  });
  if (!built.digest) throw new Error("no digest");
  return JSON.stringify(built.digest);
}

describe("per-channel digest filters", () => {
  it("by default leaves drafts out and keeps the rest", async () => {
    const tenant = "t-filters-default";
    await tenantWithPrs(tenant);
    const text = await digestText(tenant);
    expect(text).toContain(`${REPO}#1`);
    expect(text).toContain(`${REPO}#2`);
    expect(text).toContain(`${REPO}#4`);
    expect(text).not.toContain(`${REPO}#3`);
    expect(text).toContain("drafts left out");
  });

  it("drafts shown, approved and labelled PRs left out, as the channel chose", async () => {
    const tenant = "t-filters-set";
    await tenantWithPrs(tenant);
    const ctx = lead(tenant);
    const answer = await run("digest filter --drafts include --approvals 1 --ignore-labels wip", ctx);
    expect(answer.tone).toBe("success");
    expect(shown(answer)).toContain("Drafts: shown");
    expect(shown(answer)).toContain("Approved: left out at 1+ approvals");
    expect(shown(answer)).toContain("Ignored labels: wip");

    const text = await digestText(tenant);
    expect(text).toContain(`${REPO}#1`);
    expect(text).toContain(`${REPO}#3`);
    expect(text).toContain("draft");
    expect(text).not.toContain(`${REPO}#2`); // label match ignores case (WIP)
    expect(text).not.toContain(`${REPO}#4`);

    // Only PRs with a required label; then back to the defaults.
    await run("digest filter --labels wip --ignore-labels off --approvals off", ctx);
    const only = await digestText(tenant);
    expect(only).toContain(`${REPO}#2`);
    expect(only).not.toContain(`${REPO}#1`);
    const reset = await run("digest filter --reset", ctx);
    expect(unmarked(reset.text)).toBe("Digest filters reset to the defaults.");
    expect(await digestText(tenant)).toContain(`${REPO}#1`);
  });

  it("a minimum age leaves out what has not waited long enough", async () => {
    const tenant = "t-filters-age";
    await tenantWithPrs(tenant);
    await run("digest filter --min-age 7", lead(tenant));
    const built = await buildChannelDigest({
      env,
      tenant,
      channel: CHANNEL,
      correlationId: "test",
      nowMs: NOW.getTime(),
    });
    // Six working hours waited: all below the minimum, and an empty digest still posts one line.
    expect(unmarked(built.digest?.text ?? "")).toBe("No pull requests are waiting for review.");
  });

  it("with --empty skip, an empty digest is not posted and the asker is told why", async () => {
    const tenant = "t-filters-skip";
    await tenantWithPrs(tenant);
    await run("digest filter --labels nothing-has-this --empty skip", lead(tenant));
    const { queue, sent } = recordingQueue();
    const answer = await run("digest now", lead(tenant, { OUTBOUND: queue }));
    expect(unmarked(answer.text)).toBe("No pull request is waiting for review: nothing was posted.");
    expect(answer.ephemeral).toBe(true);
    expect(sent).toEqual([]);
  });

  it("anyone may see the filters; changing them needs an admin", async () => {
    const tenant = "t-filters-rights";
    await tenantWithPrs(tenant);
    const carol = chatContext(tenant, { actor: slack("U0CAROL", "carol"), channelId: CHANNEL.channelId });
    const seen = await run("digest filter", carol);
    expect(unmarked(seen.text)).toBe("Digest filters for this channel:");
    expect(shown(seen)).toContain("Drafts: left out");
    const refused = await run("digest filter --approvals 2", carol);
    expect(refused.tone).not.toBe("success");
    expect(await digestText(tenant)).toContain(`${REPO}#4`);
  });

  it("rejects bad values with a message naming the option", async () => {
    const ctx = lead("t-filters-bad");
    expect(unmarked((await run("digest filter --approvals many", ctx)).text)).toContain("approvals");
    expect(unmarked((await run("digest filter --empty maybe", ctx)).text)).toContain("post, skip");
  });
});
