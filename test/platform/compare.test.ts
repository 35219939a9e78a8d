import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signGitHub, verifyGitHubSignature } from "../../src/integrations/github/verify";
import { signLinear, verifyLinearSignature } from "../../src/integrations/linear/verify";
import { constantTimeEqual, timingSafeEqualBytes, xorEqual } from "../../src/platform/compare";
import { authenticate } from "../../src/tenants/authenticate";

const bytes = (s: string) => new TextEncoder().encode(s);

type Subtle = SubtleCrypto & { timingSafeEqual: (a: ArrayBufferView, b: ArrayBufferView) => boolean };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("constant-time comparison helpers", () => {
  it("timingSafeEqualBytes: equal, one byte off anywhere, other lengths", () => {
    const a = bytes("0123456789abcdef");
    expect(timingSafeEqualBytes(a, bytes("0123456789abcdef"))).toBe(true);
    for (let i = 0; i < a.length; i++) {
      const b = a.slice();
      b[i] = (b[i] ?? 0) ^ 1;
      expect(timingSafeEqualBytes(a, b), `differs at ${i}`).toBe(false);
    }
    expect(timingSafeEqualBytes(a, a.slice(0, 15))).toBe(false);
    expect(timingSafeEqualBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it("the portable fallback gives the same answers", () => {
    expect(xorEqual(bytes("abc"), bytes("abc"))).toBe(true);
    expect(xorEqual(bytes("abc"), bytes("abd"))).toBe(false);
    expect(xorEqual(bytes("xbc"), bytes("abc"))).toBe(false);
    expect(xorEqual(bytes("abc"), bytes("abcd"))).toBe(false);
  });

  it("uses the runtime's timingSafeEqual when there is one", () => {
    const subtle = crypto.subtle as Subtle;
    expect(typeof subtle.timingSafeEqual).toBe("function");
    const spy = vi.spyOn(subtle, "timingSafeEqual");
    expect(timingSafeEqualBytes(bytes("same"), bytes("same"))).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("constantTimeEqual compares strings of any length through their digests", async () => {
    expect(await constantTimeEqual("fmn_secret", "fmn_secret")).toBe(true);
    expect(await constantTimeEqual("fmn_secret", "fmn_secreT")).toBe(false);
    expect(await constantTimeEqual("", "x".repeat(1000))).toBe(false);
    expect(await constantTimeEqual("", "")).toBe(true);
  });
});

describe("every secret comparison goes through the constant-time primitive", () => {
  it("GitHub and Linear signatures", async () => {
    const spy = vi.spyOn(crypto.subtle as Subtle, "timingSafeEqual");
    const body = bytes('{"zen":"Keep it logically awesome."}');
    expect(await verifyGitHubSignature(body, await signGitHub(body, "s3cret"), ["s3cret"])).toBe(true);
    expect(spy).toHaveBeenCalled();
    spy.mockClear();
    expect(await verifyLinearSignature(body, await signLinear(body, "lin"), "lin")).toBe(true);
    expect(spy).toHaveBeenCalled();
  });

  it("GitHub compares against every secret (no early exit on the first match)", async () => {
    const spy = vi.spyOn(crypto.subtle as Subtle, "timingSafeEqual");
    const body = bytes("{}");
    const signature = await signGitHub(body, "current");
    expect(await verifyGitHubSignature(body, signature, ["current", "previous"])).toBe(true);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("the bootstrap key", async () => {
    const spy = vi.spyOn(crypto.subtle as Subtle, "timingSafeEqual");
    const request = new Request("http://foreman.test/api/health", {
      headers: { Authorization: `Bearer ${env.ADMIN_API_KEY}` },
    });
    expect(await authenticate(env, request)).toMatchObject({ keyId: "bootstrap", role: "admin" });
    expect(spy).toHaveBeenCalled();
  });
});
