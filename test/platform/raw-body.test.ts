import { describe, expect, it } from "vitest";
import { BadRequestError, PayloadTooLargeError } from "../../src/platform/errors";
import { parseJsonBody, readRawBody } from "../../src/platform/raw-body";

const URL = "https://foreman.test/webhooks/github";

/** A request whose body arrives in `chunks` without a Content-Length. */
function streamed(chunks: Uint8Array[]): { request: Request; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks[pulled++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { request: new Request(URL, { method: "POST", body }), pulled: () => pulled };
}

describe("readRawBody", () => {
  it("returns the exact bytes", async () => {
    const text = '{"zen":"Anything added dilutes everything else.","é":1}';
    const raw = await readRawBody(new Request(URL, { method: "POST", body: text }), 1024);
    expect(new TextDecoder().decode(raw)).toBe(text);
  });

  it("joins a chunked stream", async () => {
    const { request } = streamed([new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5])]);
    expect([...(await readRawBody(request, 10))]).toEqual([1, 2, 3, 4, 5]);
  });

  it("accepts a body of exactly the limit", async () => {
    const raw = await readRawBody(new Request(URL, { method: "POST", body: "x".repeat(16) }), 16);
    expect(raw.byteLength).toBe(16);
  });

  it("rejects by Content-Length before reading", async () => {
    const { request, pulled } = streamed([new Uint8Array(8)]);
    const declared = new Request(request, { headers: { "Content-Length": "1000" } });
    await expect(readRawBody(declared, 100)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(pulled()).toBe(0);
    expect(declared.bodyUsed).toBe(false);
  });

  it("stops reading once the stream passes the limit", async () => {
    const chunk = new Uint8Array(40);
    const { request, pulled } = streamed(Array.from({ length: 100 }, () => chunk));
    const err = await readRawBody(request, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadTooLargeError);
    expect((err as PayloadTooLargeError).status).toBe(413);
    expect(pulled()).toBeLessThan(10);
  });

  it("does not trust a Content-Length that understates the body", async () => {
    const { request } = streamed([new Uint8Array(60), new Uint8Array(60)]);
    const lying = new Request(request, { headers: { "Content-Length": "10" } });
    await expect(readRawBody(lying, 100)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("an absent body is empty; a body already read is a bad request", async () => {
    expect((await readRawBody(new Request(URL, { method: "POST" }), 10)).byteLength).toBe(0);
    const used = new Request(URL, { method: "POST", body: "x" });
    await used.text();
    await expect(readRawBody(used, 10)).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe("parseJsonBody", () => {
  const enc = (text: string) => new TextEncoder().encode(text);

  it("parses JSON from a Uint8Array or an ArrayBuffer", () => {
    expect(parseJsonBody(enc('{"a":[1,"é"]}'))).toEqual({ a: [1, "é"] });
    expect(parseJsonBody(enc("[true]").buffer as ArrayBuffer)).toEqual([true]);
    expect(parseJsonBody(enc("\uFEFF{}"))).toEqual({});
  });

  it.each([
    ["malformed", enc('{"a":'), /Malformed JSON/],
    ["empty", enc(""), /empty/],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /UTF-8/],
  ])("%s -> BadRequestError naming the body", (_label, raw, message) => {
    let caught: unknown;
    try {
      parseJsonBody(raw);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadRequestError);
    const error = caught as BadRequestError;
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
    expect(error.details).toEqual({ field: "body" });
  });
});
