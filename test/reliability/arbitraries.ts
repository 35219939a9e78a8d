/**
 * fast-check generators shared by the fuzzers: junk bodies (random bytes, invalid UTF-8, gzip-looking
 * bytes, text, JSON), content types, header values (garbage, huge), and mutations of real fixtures
 * (a random path replaced, deleted or retyped) so validly signed bodies get deep into the parsers.
 */
import fc from "fast-check";

const encoder = new TextEncoder();

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, 0xFF. */
const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc3],
];

/** Random bytes, text, JSON, invalid UTF-8 spliced into text, gzip/zip-looking junk; up to ~`max` bytes. */
export function junkBody(max = 2048): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.constant(new Uint8Array(0)),
    fc.uint8Array({ maxLength: max }),
    fc.string({ unit: "binary", maxLength: max / 4 }).map((s) => encoder.encode(s)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => encoder.encode(JSON.stringify(v) ?? "null")),
    fc
      .tuple(fc.string({ maxLength: 64 }), fc.constantFrom(...INVALID_UTF8), fc.string({ maxLength: 64 }))
      .map(([a, bad, b]) => new Uint8Array([...encoder.encode(a), ...bad, ...encoder.encode(b)])),
    // gzip (1f 8b 08), zip (PK..), zlib (78 9c) headers followed by junk.
    fc
      .tuple(
        fc.constantFrom([0x1f, 0x8b, 0x08, 0x00], [0x50, 0x4b, 0x03, 0x04], [0x78, 0x9c]),
        fc.uint8Array({ maxLength: 256 }),
      )
      .map(([head, rest]) => new Uint8Array([...head, ...rest])),
    // UTF-16 with a BOM, and UTF-8 with a BOM in front of JSON.
    fc
      .string({ maxLength: 64 })
      .map((s) => new Uint8Array([0xff, 0xfe, ...[...s].flatMap((ch) => [ch.charCodeAt(0) & 0xff, 0])])),
    fc
      .jsonValue({ maxDepth: 2 })
      .map((v) => new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(JSON.stringify(v) ?? "")])),
  );
}

/** Content types a client might send, well-formed or not. */
export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  fc.constantFrom(
    null,
    "",
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/vnd.api+json",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=ISO-8859-1",
    "text/plain",
    "multipart/form-data; boundary=----x",
    "application/octet-stream",
    "application/json, text/plain",
    ";;;",
  ),
  printable(64),
);

/** Printable ASCII (what a Headers object accepts), up to `max` characters. */
export function printable(max: number, min = 0): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: min, maxLength: max })
    .map((codes) => String.fromCharCode(...codes).trim());
}

/** A garbage header value: short junk, a plausible-looking hex string, or a huge value (8-16 KB). */
export const garbageHeader: fc.Arbitrary<string> = fc.oneof(
  printable(80),
  fc.stringMatching(/^[0-9a-f]{0,140}$/),
  fc.stringMatching(/^(v0|sha256)=[0-9a-f]{64}$/),
  fc.integer({ min: 8 * 1024, max: 16 * 1024 }).map((n) => "a".repeat(n)),
);

/** Extra headers sometimes thrown in: encodings that are lies, retry markers, odd lengths. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    "content-encoding": fc.constantFrom("gzip", "br", "deflate", "identity", "x-junk"),
    "x-slack-retry-num": fc.constantFrom("1", "2", "-1", "abc", "99999999999999999999"),
    "x-slack-retry-reason": printable(40),
    "x-request-id": printable(200),
    "user-agent": garbageHeader,
  },
  { requiredKeys: [] },
);

export type Json = Record<string, unknown>;

/** One mutation of a JSON object: at a path chosen by `picks`, replace / delete / retype the value. */
export interface Mutation {
  picks: number[];
  op: "replace" | "delete" | "stringify" | "null";
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  op: fc.constantFrom("replace", "delete", "stringify", "null"),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: "binary", maxLength: 40 })),
});

/** Applies `mutations` to a deep copy of `fixture`. */
export function mutate(fixture: Json, mutations: Mutation[]): Json {
  const copy = structuredClone(fixture);
  for (const m of mutations) {
    let node: unknown = copy;
    for (const [i, pick] of m.picks.entries()) {
      if (typeof node !== "object" || node === null) break;
      const record = node as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 0) break;
      const key = keys[pick % keys.length] ?? "";
      const last = i === m.picks.length - 1 || typeof record[key] !== "object" || record[key] === null;
      if (!last) {
        node = record[key];
        continue;
      }
      if (m.op === "delete") delete record[key];
      else if (m.op === "null") record[key] = null;
      else if (m.op === "stringify") record[key] = JSON.stringify(record[key]) ?? "";
      else record[key] = m.value;
      break;
    }
  }
  return copy;
}

/** A fixture with 1-3 mutations. */
export function mutated(fixture: Json): fc.Arbitrary<Json> {
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => mutate(fixture, ms));
}
