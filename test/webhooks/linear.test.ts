import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import commentCreate from "../fixtures/linear/comment-create.json";
import labelCreate from "../fixtures/linear/issue-label-create.json";
import issueUpdate from "../fixtures/linear/issue-update-state.json";
import {
  agentOfType,
  agentsOf,
  bodyOf,
  inboxRows,
  linearRequest,
  linkQuietly,
  linkViaChat,
  type Payload,
  sendLinear,
  viaWebhookApp,
} from "./support";

type ErrorBody = { error: { code: string; message: string } };

/** A fixture for team `key` with a fresh `webhookTimestamp`. */
function fresh(fixture: Payload, key: string, at = Date.now()): Payload {
  const payload = structuredClone(fixture);
  const data = payload.data as Payload;
  if (typeof data.identifier === "string") data.identifier = `${key}-123`;
  if (data.team) (data.team as Payload).key = key;
  if (data.issue) (data.issue as Payload).identifier = `${key}-123`;
  return { ...payload, webhookTimestamp: at };
}

describe("POST /api/webhooks/linear", () => {
  it("hands a valid delivery to the tenants linking the team (200) and the linear-state agent gets it", async () => {
    await linkViaChat("wl-ok", "linear", "WLOK");
    const delivery = crypto.randomUUID();
    const res = await sendLinear(fresh(issueUpdate, "WLOK"), { to: "wl-ok", delivery });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "accepted", deliveryId: delivery, events: 1, tenants: 1 });
    const agent = await agentOfType("wl-ok", "linear-state");
    expect(await inboxRows(agent, delivery)).toHaveLength(1);
    // The review manager does not subscribe to Linear events.
    expect(await inboxRows(await agentOfType("wl-ok", "review-manager"), delivery)).toHaveLength(0);

    const comment = await sendLinear(fresh(commentCreate, "WLOK"), { to: "wl-ok" });
    expect(await bodyOf(comment)).toMatchObject({ status: "accepted" });
  });

  it("answers the same Linear-Delivery with 200 duplicate", async () => {
    await linkViaChat("wl-dup", "linear", "DUP");
    const delivery = crypto.randomUUID();
    expect((await sendLinear(fresh(issueUpdate, "DUP"), { to: "wl-dup", delivery })).status).toBe(200);
    const again = await sendLinear(fresh(issueUpdate, "DUP"), { to: "wl-dup", delivery });
    expect(again.status).toBe(200);
    expect(await bodyOf(again)).toEqual({ status: "duplicate", deliveryId: delivery });
    expect(await inboxRows(await agentOfType("wl-dup", "linear-state"), delivery)).toHaveLength(1);
  });

  it("falls back to webhookId:createdAt without a Linear-Delivery header", async () => {
    await linkViaChat("wl-fallback", "linear", "FB");
    const payload = fresh(issueUpdate, "FB");
    const first = await sendLinear(payload, { to: "wl-fallback", delivery: null });
    const id = `${payload.webhookId}:${payload.createdAt}`;
    expect(await bodyOf(first)).toMatchObject({ status: "accepted", deliveryId: id });
    expect(await bodyOf(await sendLinear(payload, { to: "wl-fallback", delivery: null }))).toEqual({
      status: "duplicate",
      deliveryId: id,
    });
  });

  it("refuses a stale webhookTimestamp and a bad signature with 401, recording nothing", async () => {
    await linkQuietly("wl-401", "linear", "SEC");
    const delivery = crypto.randomUUID();
    const stale = await sendLinear(fresh(issueUpdate, "SEC", Date.now() - 61_000), {
      to: "wl-401",
      delivery,
    });
    expect(stale.status).toBe(401);
    expect((await bodyOf<ErrorBody>(stale)).error.message).toContain("webhookTimestamp");
    const future = await sendLinear(fresh(issueUpdate, "SEC", Date.now() + 120_000), {
      to: "wl-401",
      delivery,
    });
    expect(future.status).toBe(401);
    const forged = await sendLinear(fresh(issueUpdate, "SEC"), {
      to: "wl-401",
      delivery,
      secret: "not-the-secret",
    });
    expect(forged.status).toBe(401);
    expect((await bodyOf<ErrorBody>(forged)).error.message).toBe("Linear-Signature does not match the body");
    expect(await coordinator(env, "wl-401").webhookDelivery("linear", delivery)).toBeNull();
    expect(await agentsOf("wl-401")).toEqual([]);

    const unconfigured = await viaWebhookApp(
      await linearRequest(fresh(issueUpdate, "SEC")),
      {},
      {
        LINEAR_WEBHOOK_SECRET: undefined,
      },
    );
    expect(unconfigured.status).toBe(401);
    expect((await bodyOf<ErrorBody>(unconfigured)).error.message).toContain(
      "Linear webhooks are not configured",
    );
  });

  it("ignores unlinked teams, unhandled types and label definitions (202); names invalid fields (400)", async () => {
    const unlinked = await sendLinear(fresh(issueUpdate, "NOPE"));
    expect(unlinked.status).toBe(202);
    expect(await bodyOf(unlinked)).toEqual({ status: "ignored", reason: "team not linked" });
    const project = await sendLinear({
      type: "Project",
      action: "update",
      data: {},
      webhookTimestamp: Date.now(),
    });
    expect(await bodyOf(project)).toMatchObject({ status: "ignored", reason: "type Project is not handled" });
    const label = await sendLinear(fresh(labelCreate, "ENG"));
    expect(label.status).toBe(202);

    const broken = fresh(issueUpdate, "ENG");
    delete (broken.data as Payload).id;
    const invalid = await sendLinear(broken);
    expect(invalid.status).toBe(400);
    expect((await bodyOf<ErrorBody>(invalid)).error.message).toContain("data.id");
  });
});
