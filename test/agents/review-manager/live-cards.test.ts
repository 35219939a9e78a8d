/**
 * Cards follow the review and authors hear back: the consumer reports where a card landed (a local
 * `ts` in demo mode), and every change after that — started, approved, changes requested, merged,
 * a breach — edits the card in place (`chat.update` / Discord PATCH), one edit per burst, never two in
 * flight; notices go into the card's thread. The author gets one DM per burst of submitted reviews,
 * saying when every reviewer approved; a redelivered review sends nothing new.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeliveryMessage } from "../../../src/delivery/types";
import { settings } from "../../../src/settings/stub";
import { runQueue } from "../../delivery/support";
import {
  CHANNEL,
  deliver,
  type Harness,
  HOUR,
  postText,
  prEvent,
  REPO,
  reviewManager,
  reviewRequest,
  reviewSubmitted,
  setupTenant,
} from "./support";

/** The consumer runs over what the agent queued (demo mode: local outbox) and reports back to it. */
async function consume(h: Harness): Promise<DeliveryMessage[]> {
  const batch = [...h.sent];
  h.sent.length = 0;
  if (batch.length)
    await runQueue(
      env,
      batch.map((body) => ({ body })),
    );
  return batch;
}

/** The card refresh / author notice windows have passed: runs the due tasks. */
async function afterWindows(h: Harness): Promise<void> {
  await runInDurableObject(h.stub, (_i, state) => {
    state.storage.sql.exec("UPDATE schedules SET at = 0 WHERE kind IN ('review.cards', 'review.author')");
  });
  await runDurableObjectAlarm(h.stub);
  await h.attach();
}

const edits = (sent: DeliveryMessage[]) => sent.filter((d) => d.action === "chat.update");
const dmsTo = (sent: DeliveryMessage[], user: string) =>
  sent.filter((d) => d.action === "chat.postMessage" && d.body.channel === user);

/** A tenant whose author (dana) is on the team, a PR assigned to bob with its card placed. */
async function assigned(tenant: string, number = 1): Promise<{ h: Harness; card: DeliveryMessage }> {
  await setupTenant(tenant, [
    { id: "U0BOB", login: "bob" },
    { id: "U0DANA", login: "dana" },
    { id: "U0LENA", login: "lena", lead: true },
  ]);
  const h = await reviewManager(tenant);
  await deliver(h, prEvent("opened", { number, author: "dana" }, h.clock.t));
  const queued = await consume(h);
  const card = queued.find((d) => d.body.channel === CHANNEL.channelId);
  if (!card) throw new Error("no card");
  return { h, card };
}

describe("cards follow the review", () => {
  it("an approved review edits the card in place and DMs the author once", async () => {
    const { h, card } = await assigned("lc-approve");
    h.clock.t += HOUR;
    await deliver(h, reviewSubmitted({ number: 1, author: "dana" }, "bob", h.clock.t, "approved", 501));
    // Within the windows nothing is sent yet (a burst becomes one update).
    expect(edits(h.sent)).toEqual([]);
    await afterWindows(h);

    const [edit] = edits(h.sent);
    expect(edits(h.sent)).toHaveLength(1);
    expect(edit?.body).toMatchObject({
      channel: CHANNEL.channelId,
      ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
    expect(postText(edit as DeliveryMessage)).toContain("is approved by <@U0BOB>");
    expect(postText(edit as DeliveryMessage)).not.toContain("Start review");
    const dm = dmsTo(h.sent, "U0DANA");
    expect(dm).toHaveLength(1);
    expect(postText(dm[0] as DeliveryMessage)).toContain("<@U0BOB> approved on acme/widgets#1");
    expect(postText(dm[0] as DeliveryMessage)).toContain("Every requested reviewer approved");
    // The edit went to the card Foreman posted (the ts the consumer reported for it).
    const outbox = await runInDurableObject(h.stub, (_i, state) =>
      state.storage.sql.exec<{ ref: string }>("SELECT ref FROM review_cards WHERE key = ?", card.key).one(),
    );
    expect(JSON.parse(outbox.ref)).toMatchObject({ ts: edit?.body.ts });

    // The same review delivered again, and a comment: no new DM, no new edit.
    await consume(h);
    await deliver(h, reviewSubmitted({ number: 1, author: "dana" }, "bob", h.clock.t, "approved", 501));
    await afterWindows(h);
    expect(dmsTo(h.sent, "U0DANA")).toEqual([]);
    expect(edits(h.sent)).toEqual([]);
  });

  it("a burst of reviews is one edit and one DM; a second change waits for the edit in flight", async () => {
    const tenant = "lc-burst";
    const { h } = await assigned(tenant);
    await settings(env, tenant).addMember(
      { user: { platform: "slack", id: "U0CAROL", name: "carol" }, github: "carol", tz: "UTC" },
      "test",
    );
    h.clock.t += HOUR;
    await deliver(
      h,
      reviewRequest({ number: 1, author: "dana" }, { login: "carol" }, h.clock.t),
      reviewSubmitted({ number: 1, author: "dana" }, "carol", h.clock.t, "changes_requested"),
      reviewSubmitted({ number: 1, author: "dana" }, "bob", h.clock.t, "approved"),
    );
    await afterWindows(h);
    expect(edits(h.sent)).toHaveLength(1);
    expect(postText(edits(h.sent)[0] as DeliveryMessage)).toContain("<@U0CAROL> requested changes");
    const dm = dmsTo(h.sent, "U0DANA");
    expect(dm).toHaveLength(1);
    const text = postText(dm[0] as DeliveryMessage);
    expect(text).toContain("2 new reviews of acme/widgets#1");
    expect(text).toContain("<@U0CAROL> requested changes.");
    expect(text).toContain("<@U0BOB> approved.");
    expect(text).not.toContain("Every requested reviewer approved");

    // The edit is not confirmed yet: the merge waits for it, then goes out as the next edit.
    const firstEdit = edits(h.sent);
    h.sent.length = 0;
    h.clock.t += HOUR;
    await deliver(
      h,
      prEvent("closed", { number: 1, author: "dana", state: "closed", merged: true }, h.clock.t),
    );
    await afterWindows(h);
    expect(edits(h.sent)).toEqual([]);
    // Now the consumer confirms the first edit: the refresh follows with the merge.
    expect((await editsInFlight(h)).map((m) => m.key)).toEqual(firstEdit.map((m) => m.key));
    await runQueue(
      env,
      firstEdit.map((body) => ({ body })),
    );
    await afterWindows(h);
    const merged = edits(h.sent);
    expect(merged).toHaveLength(1);
    expect(postText(merged[0] as DeliveryMessage)).toContain("acme/widgets#1 was merged.");
  });

  it("a breach goes into the card's thread; Discord cards are edited with PATCH", async () => {
    const tenant = "lc-thread";
    await setupTenant(tenant, undefined, 8);
    const discord = {
      platform: "discord" as const,
      workspaceId: "1190000000000000001",
      channelId: "1190000000000000077",
    };
    expect((await settings(env, tenant).link("github", REPO, discord, "test")).ok).toBe(true);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 4 }, h.clock.t));
    await consume(h);
    // 8 working hours later: the breach.
    h.clock.t += 8 * HOUR + 60_000;
    await runDurableObjectAlarm(h.stub);
    await h.attach();
    const breach = h.sent.filter((d) => JSON.stringify(d.body).includes("SLA breached"));
    const slack = breach.find((d) => d.platform === "slack" && d.body.channel === CHANNEL.channelId);
    expect(slack?.body.thread_ts).toEqual(expect.stringMatching(/^\d+\.\d{6}$/));
    const onDiscord = breach.find((d) => d.platform === "discord");
    expect(onDiscord?.body.message_reference).toMatchObject({ message_id: expect.any(String) });
    await afterWindows(h);
    const patch = h.sent.find((d) => d.action === "channels.messages.edit");
    expect(patch?.body).toMatchObject({ channel_id: discord.channelId, message_id: expect.any(String) });
    expect(JSON.stringify(patch?.body)).toContain("review SLA breached");
    expect(edits(h.sent).some((d) => d.body.channel === CHANNEL.channelId)).toBe(true);
  });
});

/** The edits the agent handed over and is waiting to hear about (from its ledger). */
async function editsInFlight(h: Harness): Promise<DeliveryMessage[]> {
  return runInDurableObject(h.stub, (_i, state) =>
    state.storage.sql
      .exec<{ payload: string }>(
        "SELECT payload FROM delivery_ledger WHERE state = 'handed' AND key LIKE 'rm:edit:%'",
      )
      .toArray()
      .map((r) => JSON.parse(r.payload) as DeliveryMessage),
  );
}
