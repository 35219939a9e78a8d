/**
 * `redactText` skips the shape replacements when one combined test finds no shape in the text
 * (src/observability/redact.ts). That must never change an answer: for any text, with no configured
 * secrets, it equals `redactShapes`, which always runs every replacement.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, redactShapes, redactText } from "../../src/observability/redact";

/** Pieces of every credential shape, cut and joined at random so near-misses come up too. */
const PIECES = [
  "Bearer ",
  "bearer\t",
  "Basic ",
  "fmn_",
  "fmwh_",
  "xoxb-",
  "xoxp-",
  "xapp-",
  "ghp_",
  "github_pat_",
  "lin_api_",
  "lin_wh_",
  "v0=",
  "sha256=",
  "eyJ",
  ".",
  "/webhooks/",
  "/interactions/",
  "123456/",
  "hooks.slack.com/",
  "abcdef0123456789",
  "ABCDEF",
  "a".repeat(20),
  "0".repeat(64),
  "_",
  "-",
  " ",
  "\n",
  '"',
  "<",
  "é",
];

const text = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 40 })
  .map((parts) => parts.join(""));

describe("redaction's fast path", () => {
  it("gives what running every replacement gives, for any text", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(redactText(s, [])).toBe(redactShapes(s));
      }),
      { numRuns: 2_000 },
    );
  });

  it("still replaces a shape anywhere in an otherwise plain text", () => {
    const plain = "review of acme/api#42 assigned to octocat";
    expect(redactText(plain, [])).toBe(plain);
    expect(redactText(`${plain} with xoxb-123-456-abcdef`, [])).toBe(`${plain} with ${REDACTED}`);
    expect(redactText(`${"x".repeat(3_000)} fmn_abcdefgh12345678`, [])).toContain(REDACTED);
  });
});
