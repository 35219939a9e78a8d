import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { parseGitHubEvent } from "../../src/integrations/github/events";
import { signGitHub } from "../../src/integrations/github/verify";
import { unwrap } from "../../src/platform/errors";
import { narrowInstallation } from "../../src/webhooks/github";
import { routeToTenant } from "../../src/webhooks/handoff";
import { WEBHOOK_BODY_LIMIT } from "../../src/webhooks/options";
import { chatContext, run } from "../commands/helpers";
import { deletePath, examplesOf, onlyEvent } from "../helpers/payloads";
import {
  agentsOf,
  BASE,
  bodyOf,
  exampleOf,
  githubRequest,
  linkQuietly,
  linkViaChat,
  prOpened,
  sendGitHub,
  setPath,
  viaWebhookApp,
} from "./support";

type ErrorBody = {
  error: { code: string; message: string; details?: { issues?: Array<{ field: string }> } };
};

describe("POST /api/webhooks/github: authentication", () => {
  it("refuses a wrong signature and a missing one with 401, and records nothing", async () => {
    await linkQuietly("wh-auth", "github", "acme/auth");
    const delivery = crypto.randomUUID();
    const wrong = await sendGitHub(prOpened("acme/auth"), {
      to: "wh-auth",
      delivery,
      secret: "not-the-secret",
    });
    expect(wrong.status).toBe(401);
    const error = (await bodyOf<ErrorBody>(wrong)).error;
    expect(error).toMatchObject({
      code: "unauthorized",
      message: "X-Hub-Signature-256 does not match the body",
    });
    const missing = await sendGitHub(prOpened("acme/auth"), { to: "wh-auth", delivery, signature: null });
    expect(missing.status).toBe(401);
    expect((await bodyOf<ErrorBody>(missing)).error.message).toBe("Missing X-Hub-Signature-256 header");
    const malformed = await sendGitHub(prOpened("acme/auth"), {
      to: "wh-auth",
      delivery,
      signature: "sha1=abc",
    });
    // The deployment's secret is not this tenant's: refused at its URL too.
    const deployment = await sendGitHub(prOpened("acme/auth"), {
      to: "wh-auth",
      delivery,
      secret: "test-github-secret",
    });
    expect(deployment.status).toBe(401);
    expect(malformed.status).toBe(401);

    const c = coordinator(env, "wh-auth");
    expect(await c.webhookDelivery("github", delivery)).toBeNull();
    expect(await agentsOf("wh-auth")).toEqual([]);
    expect(unwrap(await c.listWorkflows())).toEqual([]);
  });

  it("answers 401 'not configured' when no secret is set", async () => {
    const req = await githubRequest(prOpened("acme/auth"));
    const res = await viaWebhookApp(
      req,
      {},
      { GITHUB_WEBHOOK_SECRET: undefined, GITHUB_WEBHOOK_SECRET_PREVIOUS: "" },
    );
    expect(res.status).toBe(401);
    expect((await bodyOf<ErrorBody>(res)).error.message).toContain("GitHub webhooks are not configured");
  });

  it("accepts the previous secret during a rotation, and the new one, but nothing else", async () => {
    const rotating = { GITHUB_WEBHOOK_SECRET: "new-secret", GITHUB_WEBHOOK_SECRET_PREVIOUS: "old-secret" };
    const ping = exampleOf("ping");
    for (const secret of ["old-secret", "new-secret"]) {
      const res = await viaWebhookApp(await githubRequest(ping, { event: "ping", secret }), {}, rotating);
      expect(res.status, secret).toBe(200);
    }
    const other = await viaWebhookApp(
      await githubRequest(ping, { event: "ping", secret: "test-github-secret" }),
      {},
      rotating,
    );
    expect(other.status).toBe(401);
  });

  it("checks the signature before the headers and the body", async () => {
    const res = await sendGitHub(null, { raw: "not json", event: "", delivery: "", secret: "nope" });
    expect(res.status).toBe(401);
  });
});

describe("POST /api/webhooks/github: deliveries that are not handed on", () => {
  it("answers ping with 200 and the zen, and uses the delivery id as the correlation id", async () => {
    const ping = exampleOf("ping");
    const res = await sendGitHub(ping, { event: "ping", delivery: "ping-delivery-1" });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ ok: true, zen: ping.zen, deliveryId: "ping-delivery-1" });
  });

  it("names a missing X-GitHub-Event or X-GitHub-Delivery header (400)", async () => {
    const noEvent = await sendGitHub(prOpened("acme/x"), { event: "" });
    expect(noEvent.status).toBe(400);
    expect((await bodyOf<ErrorBody>(noEvent)).error.message).toBe("Missing X-GitHub-Event header");
    const noDelivery = await sendGitHub(prOpened("acme/x"), { delivery: "" });
    expect(noDelivery.status).toBe(400);
    expect((await bodyOf<ErrorBody>(noDelivery)).error.message).toBe("Missing X-GitHub-Delivery header");
  });

  it("ignores a repository nobody linked (202) and events Foreman does not handle (202)", async () => {
    const unlinked = await sendGitHub(prOpened("nobody/links-this"));
    expect(unlinked.status).toBe(202);
    expect(await bodyOf(unlinked)).toEqual({ status: "ignored", reason: "repository not linked" });
    const star = await sendGitHub({ action: "created" }, { event: "star" });
    expect(star.status).toBe(202);
    expect(await bodyOf(star)).toMatchObject({ status: "ignored", reason: "event star is not handled" });
  });

  it("refuses a payload missing pull_request.number with 400 naming it", async () => {
    await linkQuietly("wh-invalid", "github", "acme/invalid");
    const payload = deletePath(prOpened("acme/invalid"), "pull_request.number");
    const res = await sendGitHub(payload, { to: "wh-invalid" });
    expect(res.status).toBe(400);
    const error = (await bodyOf<ErrorBody>(res)).error;
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain("pull_request.number");
    expect(error.details?.issues?.map((i) => i.field)).toContain("pull_request.number");
    expect(await agentsOf("wh-invalid")).toEqual([]);
  });

  it("refuses a signed body that is not JSON (400) and a form-encoded one (415)", async () => {
    const res = await sendGitHub(null, { raw: "payload=%7B%7D%" });
    expect(res.status).toBe(400);
    expect((await bodyOf<ErrorBody>(res)).error.message).toContain("Malformed JSON");
    const form = await sendGitHub(null, {
      raw: "payload=%7B%7D",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
  });

  it("refuses a body over the limit with 413 (small injected limit, and the real 25 MiB one)", async () => {
    const big = { ...prOpened("acme/big"), padding: "x".repeat(2048) };
    const small = await viaWebhookApp(await githubRequest(big), { maxBodyBytes: 1024 });
    expect(small.status).toBe(413);

    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > WEBHOOK_BODY_LIMIT) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const headers = {
      "X-Hub-Signature-256": await signGitHub("{}", "x"),
      "Content-Type": "application/json",
    };
    const res = await viaWebhookApp(
      new Request(`${BASE}/api/webhooks/github`, {
        method: "POST",
        headers,
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
  });
});

describe("POST /api/webhooks/github: installation events", () => {
  it("routes by each repository, showing a tenant only the repositories it links", async () => {
    await linkQuietly("wh-inst", "github", "acme/inst-one");
    const payload = structuredClone(
      examplesOf("installation_repositories").find((e) => e.action === "added"),
    );
    if (!payload) throw new Error("no example");
    const added = payload.repositories_added as Array<Record<string, unknown>>;
    const template = added[0] ?? {};
    setPath(payload, "repositories_added", [
      { ...template, id: 1001, full_name: "acme/inst-one" },
      { ...template, id: 1002, full_name: "other/not-linked" },
    ]);
    const delivery = crypto.randomUUID();
    const res = await sendGitHub(payload, { to: "wh-inst", event: "installation_repositories", delivery });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ status: "accepted", events: 1, tenants: 1 });
    const record = await coordinator(env, "wh-inst").webhookDelivery("github", delivery);
    expect(record?.status).toBe("published");

    const routed = await routeToTenant(
      env,
      { tenant: "wh-inst", via: "hook", secrets: [] },
      "github",
      [
        {
          index: 0,
          event: onlyEvent(parseGitHubEvent("installation_repositories", payload, delivery, "now")),
          targets: ["acme/inst-one", "other/not-linked"],
        },
      ],
      { narrow: narrowInstallation },
    );
    const event = routed.get("wh-inst")?.[0]?.event;
    expect(event?.kind === "installation.changed" && event.added.map((r) => r.fullName)).toEqual([
      "acme/inst-one",
    ]);

    setPath(payload, "repositories_added", [{ ...template, id: 1003, full_name: "other/unknown" }]);
    const none = await sendGitHub(payload, { to: "wh-inst", event: "installation_repositories" });
    expect(none.status).toBe(202);
    expect(await bodyOf(none)).toEqual({ status: "ignored", reason: "repository not linked" });
  });
});

describe("routing remembers what deliveries asked until a link changes", () => {
  it("a repository linked after a delivery was ignored is routed; unlinked everywhere, it is ignored again", async () => {
    const tenant = "wh-remember";
    await linkQuietly(tenant, "github", "acme/first-linked");
    const before = await sendGitHub(prOpened("acme/later"), { to: tenant });
    expect(await bodyOf(before)).toEqual({ status: "ignored", reason: "repository not linked" });

    await linkViaChat(tenant, "github", "acme/later");
    const linked = await sendGitHub(prOpened("acme/later"), { to: tenant });
    expect(await bodyOf(linked)).toMatchObject({ status: "accepted", events: 1 });

    expect((await run("unlink github acme/later", chatContext(tenant))).tone).not.toBe("error");
    const after = await sendGitHub(prOpened("acme/later"), { to: tenant });
    expect(await bodyOf(after)).toEqual({ status: "ignored", reason: "repository not linked" });
  });
});
