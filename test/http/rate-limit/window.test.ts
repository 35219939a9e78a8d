/** The rate-limit building blocks: settings, the fixed window, the in-isolate front, addresses. */
import { describe, expect, it } from "vitest";
import {
  addressBucket,
  clientAddress,
  trustedHeader,
  UNKNOWN_ADDRESS,
} from "../../../src/http/rate-limit/client-address";
import { DEFAULT_PER_IP, DEFAULT_PER_KEY, parseRate, rateConfig } from "../../../src/http/rate-limit/config";
import { hitWindow, LocalFront, type Verdict, type WindowState } from "../../../src/http/rate-limit/window";

const MINUTE = 60_000;
const T0 = 1_800_000_000_000; // a window boundary for 60 s windows

describe("RATE_LIMIT_* values", () => {
  it("reads count/unit, a bare count per minute, off and 0; falls back on nonsense", () => {
    expect(parseRate("600/min", DEFAULT_PER_KEY)).toEqual({ limit: 600, windowMs: MINUTE });
    expect(parseRate(" 10 / s ", DEFAULT_PER_KEY)).toEqual({ limit: 10, windowMs: 1_000 });
    expect(parseRate("3600/hour", DEFAULT_PER_KEY)).toEqual({ limit: 3600, windowMs: 3_600_000 });
    expect(parseRate("50", DEFAULT_PER_KEY)).toEqual({ limit: 50, windowMs: MINUTE });
    expect(parseRate("off", DEFAULT_PER_KEY)).toBeNull();
    expect(parseRate("0/min", DEFAULT_PER_KEY)).toBeNull();
    expect(parseRate("lots", DEFAULT_PER_KEY)).toEqual(DEFAULT_PER_KEY);
    expect(parseRate("5/fortnight", DEFAULT_PER_IP)).toEqual(DEFAULT_PER_IP);
    expect(parseRate(undefined, DEFAULT_PER_IP)).toEqual(DEFAULT_PER_IP);
    expect(rateConfig({})).toEqual({ perKey: DEFAULT_PER_KEY, perIp: DEFAULT_PER_IP });
    expect(DEFAULT_PER_KEY.limit).toBe(600);
    expect(DEFAULT_PER_IP.limit).toBe(300);
  });
});

describe("hitWindow (the Durable Object's rule)", () => {
  const rate = { limit: 3, windowMs: MINUTE };

  it("admits up to the limit, refuses after, with Retry-After to the end of the window", () => {
    let state: WindowState | undefined;
    const verdicts: Verdict[] = [];
    for (let i = 0; i < 5; i++) {
      const r = hitWindow(state, 0, rate, T0 + 15_000);
      state = r.state;
      verdicts.push(r.verdict);
    }
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false, false]);
    expect(verdicts[3]).toMatchObject({ count: 3, retryAfterSeconds: 45, resetAt: T0 + MINUTE });
  });

  it("a new window starts from zero", () => {
    let { state } = hitWindow(undefined, 2, rate, T0 + 1_000);
    expect(state.count).toBe(3);
    ({ state } = hitWindow(state, 0, rate, T0 + MINUTE));
    expect(state).toEqual({ start: T0 + MINUTE, count: 1 });
  });

  it("requests admitted elsewhere count, and are never refused after the fact", () => {
    const { state, verdict } = hitWindow(undefined, 10, rate, T0);
    expect(verdict.allowed).toBe(false);
    expect(state.count).toBe(10);
    expect(hitWindow(undefined, -4, rate, T0).state.count).toBe(1);
  });

  it("Retry-After is at least one second", () => {
    const full = hitWindow(undefined, 3, rate, T0 + MINUTE - 1);
    expect(full.verdict.retryAfterSeconds).toBe(1);
  });
});

/** A fake authoritative counter that records every call. */
function fakeRemote(rate: { limit: number; windowMs: number }) {
  let state: WindowState | undefined;
  const calls: number[] = [];
  let now = T0;
  return {
    calls,
    count: () => state?.count ?? 0,
    at(ms: number) {
      now = ms;
    },
    remote: async (served: number): Promise<Verdict> => {
      calls.push(served);
      const r = hitWindow(state, served, rate, now);
      state = r.state;
      return r.verdict;
    },
  };
}

describe("LocalFront (in-isolate)", () => {
  it("admits the local share without calls, then asks the counter, reporting what it admitted", async () => {
    const rate = { limit: 100, windowMs: MINUTE };
    const front = new LocalFront(0.1);
    const fake = fakeRemote(rate);
    for (let i = 0; i < 10; i++) expect((await front.check("k", rate, T0, fake.remote)).allowed).toBe(true);
    expect(fake.calls).toEqual([]);
    expect((await front.check("k", rate, T0, fake.remote)).allowed).toBe(true);
    expect(fake.calls).toEqual([10]);
    for (let i = 0; i < 89; i++) await front.check("k", rate, T0, fake.remote);
    expect(fake.count()).toBe(100);
    fake.at(T0 + 30_000);
    const refused = await front.check("k", rate, T0 + 30_000, fake.remote);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
  });

  it("once refused, refuses locally until the window ends: a flood costs one call", async () => {
    const rate = { limit: 2, windowMs: MINUTE };
    const front = new LocalFront(0.1);
    const fake = fakeRemote(rate);
    const results = [];
    for (let i = 0; i < 50; i++)
      results.push((await front.check("ip:1.2.3.4", rate, T0, fake.remote)).allowed);
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(fake.calls).toHaveLength(3);
    expect(front.blockedFor("ip:1.2.3.4", T0 + 10_000)).toBe(50);
    expect(front.blockedFor("ip:1.2.3.4", T0 + MINUTE)).toBeNull();
    fake.at(T0 + MINUTE);
    expect((await front.check("ip:1.2.3.4", rate, T0 + MINUTE, fake.remote)).allowed).toBe(true);
  });

  it("concurrent requests never report the same local admissions twice: the count stays exact", async () => {
    const rate = { limit: 1000, windowMs: MINUTE };
    const front = new LocalFront(0.005); // 5 local admissions
    const fake = fakeRemote(rate);
    for (let i = 0; i < 5; i++) await front.check("k2", rate, T0, fake.remote);
    await Promise.all(Array.from({ length: 4 }, () => front.check("k2", rate, T0, fake.remote)));
    await front.check("k2", rate, T0, fake.remote);
    expect(fake.count()).toBe(10);
    expect(fake.calls).toEqual([5, 3]);
  });

  it("a failing counter keeps the local admissions for the next report", async () => {
    const rate = { limit: 10, windowMs: MINUTE };
    const front = new LocalFront(0.2);
    const fake = fakeRemote(rate);
    await front.check("k3", rate, T0, fake.remote);
    await front.check("k3", rate, T0, fake.remote);
    await expect(front.check("k3", rate, T0, () => Promise.reject(new Error("down")))).rejects.toThrow(
      "down",
    );
    await front.check("k3", rate, T0, fake.remote);
    expect(fake.calls).toEqual([2]);
  });
});

describe("source addresses", () => {
  it("IPv4 as is, IPv6 by /64, junk and absence as unknown", () => {
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0db8:0001:0002::99")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2::")).toBe(addressBucket("2001:db8:1:2:ffff::1"));
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("::ffff:192.0.2.1")).toBe("0:0:0:0::/64");
    expect(addressBucket("not an address")).toBe(UNKNOWN_ADDRESS);
    expect(addressBucket("1::2::3")).toBe(UNKNOWN_ADDRESS);
  });

  it("believes only the header TRUST_PROXY_HEADER names; X-Forwarded-For by its last entry", () => {
    const req = (h: Record<string, string>) => new Request("http://x/api/health", { headers: h });
    const both = req({ "CF-Connecting-IP": "198.51.100.7", "X-Forwarded-For": "1.1.1.1, 192.0.2.5" });
    expect(clientAddress(both, trustedHeader({}))).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(both, trustedHeader({ TRUST_PROXY_HEADER: "none" }))).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(both, trustedHeader({ TRUST_PROXY_HEADER: "X-Client-IP" }))).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(both, trustedHeader({ TRUST_PROXY_HEADER: "CF-Connecting-IP" }))).toBe(
      "198.51.100.7",
    );
    expect(clientAddress(both, trustedHeader({ TRUST_PROXY_HEADER: " x-forwarded-for " }))).toBe("192.0.2.5");
    expect(clientAddress(req({ "X-Real-IP": "192.0.2.9" }), "x-real-ip")).toBe("192.0.2.9");
    expect(clientAddress(req({}), "cf-connecting-ip")).toBe(UNKNOWN_ADDRESS);
  });
});
