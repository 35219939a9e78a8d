import { describe, expect, it } from "vitest";
import { signGitHub, verifyGitHubSignature } from "../../src/integrations/github/verify";
import {
  checkLinearTimestamp,
  signLinear,
  verifyLinearSignature,
} from "../../src/integrations/linear/verify";
import { timingSafeEqualBytes } from "../../src/platform/compare";

const bytes = (text: string) => new TextEncoder().encode(text);

// Known-answer vector from GitHub's documentation (docs/platform-facts.md).
const KAT_SECRET = "It's a Secret to Everybody";
const KAT_BODY = "Hello, World!";
const KAT_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

describe("verifyGitHubSignature", () => {
  it("passes GitHub's known-answer vector", async () => {
    expect(await signGitHub(KAT_BODY, KAT_SECRET)).toBe(KAT_SIGNATURE);
    expect(await verifyGitHubSignature(bytes(KAT_BODY), KAT_SIGNATURE, [KAT_SECRET])).toBe(true);
  });

  it("takes an ArrayBuffer as well as a Uint8Array", async () => {
    const buffer = bytes(KAT_BODY).slice().buffer;
    expect(await verifyGitHubSignature(buffer, KAT_SIGNATURE, [KAT_SECRET])).toBe(true);
  });

  it("accepts the previous secret during a rotation, and either order", async () => {
    const body = bytes('{"action":"opened"}');
    const oldSig = await signGitHub(body, "old-secret");
    expect(await verifyGitHubSignature(body, oldSig, ["new-secret", "old-secret"])).toBe(true);
    expect(await verifyGitHubSignature(body, oldSig, ["old-secret", "new-secret"])).toBe(true);
    expect(await verifyGitHubSignature(body, oldSig, ["new-secret"])).toBe(false);
  });

  it("accepts upper-case hex digits", async () => {
    const upper = `sha256=${KAT_SIGNATURE.slice(7).toUpperCase()}`;
    expect(await verifyGitHubSignature(bytes(KAT_BODY), upper, [KAT_SECRET])).toBe(true);
  });

  it("rejects a changed body, a wrong secret, no secrets and empty secrets", async () => {
    expect(await verifyGitHubSignature(bytes("Hello, World?"), KAT_SIGNATURE, [KAT_SECRET])).toBe(false);
    expect(await verifyGitHubSignature(bytes(KAT_BODY), KAT_SIGNATURE, ["wrong"])).toBe(false);
    expect(await verifyGitHubSignature(bytes(KAT_BODY), KAT_SIGNATURE, [])).toBe(false);
    expect(await verifyGitHubSignature(bytes(KAT_BODY), KAT_SIGNATURE, [""])).toBe(false);
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["no prefix", KAT_SIGNATURE.slice(7)],
    ["sha1 prefix", `sha1=${KAT_SIGNATURE.slice(7)}`],
    ["upper-case prefix", `SHA256=${KAT_SIGNATURE.slice(7)}`],
    ["too short", KAT_SIGNATURE.slice(0, -2)],
    ["too long", `${KAT_SIGNATURE}00`],
    ["not hex", `${KAT_SIGNATURE.slice(0, -1)}g`],
    ["surrounding space", ` ${KAT_SIGNATURE}`],
    ["two signatures", `${KAT_SIGNATURE},${KAT_SIGNATURE}`],
  ])("rejects a malformed header: %s", async (_label, header) => {
    expect(await verifyGitHubSignature(bytes(KAT_BODY), header, [KAT_SECRET])).toBe(false);
  });

  it("signs the exact bytes (no re-encoding of the JSON)", async () => {
    const compact = bytes('{"a":1}');
    const spaced = bytes('{ "a": 1 }');
    const sig = await signGitHub(compact, "s");
    expect(await verifyGitHubSignature(compact, sig, ["s"])).toBe(true);
    expect(await verifyGitHubSignature(spaced, sig, ["s"])).toBe(false);
  });
});

describe("timingSafeEqualBytes", () => {
  it("compares contents; different lengths are unequal", () => {
    expect(timingSafeEqualBytes(bytes("abc"), bytes("abc"))).toBe(true);
    expect(timingSafeEqualBytes(bytes("abc"), bytes("abd"))).toBe(false);
    expect(timingSafeEqualBytes(bytes("abc"), bytes("abcd"))).toBe(false);
  });

  it("runs where crypto.subtle.timingSafeEqual exists (workerd)", () => {
    const subtle = crypto.subtle as unknown as { timingSafeEqual?: unknown };
    expect(typeof subtle.timingSafeEqual).toBe("function");
  });
});

describe("verifyLinearSignature", () => {
  const body = bytes('{"action":"create","type":"Issue","webhookTimestamp":1795169702150}');

  it("round-trips signLinear and checks hex HMAC-SHA256 of the raw body", async () => {
    const sig = await signLinear(body, "lin_wh_secret");
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyLinearSignature(body, sig, "lin_wh_secret")).toBe(true);
    expect(await verifyLinearSignature(body, sig, "other")).toBe(false);
    expect(await verifyLinearSignature(bytes("{}"), sig, "lin_wh_secret")).toBe(false);
  });

  it("uses the same HMAC as GitHub (known-answer vector without the prefix)", async () => {
    expect(await signLinear(KAT_BODY, KAT_SECRET)).toBe(KAT_SIGNATURE.slice(7));
  });

  it("rejects missing, malformed and prefixed headers, and an empty secret", async () => {
    const sig = await signLinear(body, "s");
    expect(await verifyLinearSignature(body, null, "s")).toBe(false);
    expect(await verifyLinearSignature(body, "", "s")).toBe(false);
    expect(await verifyLinearSignature(body, `sha256=${sig}`, "s")).toBe(false);
    expect(await verifyLinearSignature(body, sig.slice(1), "s")).toBe(false);
    expect(await verifyLinearSignature(body, sig, "")).toBe(false);
  });
});

describe("checkLinearTimestamp", () => {
  const now = 1_795_169_702_150;

  it.each([
    [now, true],
    [now - 60_000, true],
    [now + 60_000, true],
    [now - 60_001, false],
    [now + 60_001, false],
    [String(now), false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    [undefined, false],
    [null, false],
  ])("%s -> %s", (ts, expected) => {
    expect(checkLinearTimestamp(ts, now)).toBe(expected);
  });

  it("takes another tolerance", () => {
    expect(checkLinearTimestamp(now - 5_000, now, 1_000)).toBe(false);
    expect(checkLinearTimestamp(now - 5_000, now, 10_000)).toBe(true);
  });
});
