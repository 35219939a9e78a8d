/**
 * Redaction of log lines: nothing secret may reach the console or the R2 archive.
 * Three layers, applied to every line before it is serialised:
 *   1. by key: a field whose name says it holds a credential (authorization, token, secret,
 *      signature, password, cookie, api key, ...) is replaced whole;
 *   2. by value: every configured secret (the env names in SECRET_ENV_NAMES) found anywhere in a
 *      string is replaced;
 *   3. by pattern: credentials recognisable by their shape (API keys `fmn_...`, webhook secrets
 *      `fmwh_...`, `Bearer ...`,
 *      Slack `xox?-...`, GitHub and Linear tokens, signature headers `v0=...` / `sha256=...`, long
 *      hex such as Ed25519 signatures and HMACs, Discord bot tokens, capability URLs) are replaced.
 * Pure: no I/O, never throws on odd input (cycles, deep objects, Errors, bigints).
 */

export const REDACTED = "[redacted]";

/** Env entries whose values are secrets. DISCORD_PUBLIC_KEY is public and stays out. */
export const SECRET_ENV_NAMES = [
  "ADMIN_API_KEY",
  "ADMIN_API_KEY_PREVIOUS",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_CLIENT_SECRET",
  "DISCORD_BOT_TOKEN",
  "DISCORD_CLIENT_SECRET",
  "GITHUB_APP_PRIVATE_KEY",
  "GITHUB_APP_CLIENT_SECRET",
  "LINEAR_CLIENT_SECRET",
  "GITHUB_TOKEN",
  "GITHUB_WEBHOOK_SECRET",
  "GITHUB_WEBHOOK_SECRET_PREVIOUS",
  "LINEAR_API_KEY",
  "LINEAR_WEBHOOK_SECRET",
  "TOKEN_ENCRYPTION_KEY",
  "TOKEN_ENCRYPTION_KEY_PREVIOUS",
] as const;

/** Any other env entry named like a secret (a rotation's `…_PREVIOUS`, a secret added later). */
const SECRET_ENV_NAME = /(?:SECRET|TOKEN|API_KEY|PASSWORD)(?:_PREVIOUS|_NEXT|_OLD)?$/;

/** The demo bootstrap key (src/tenants/authenticate.ts): a credential on localhost, so redacted too. */
const ALWAYS_SECRET = ["foreman-demo-admin"];

/** Shorter configured values are not replaced (they would mangle ordinary words). */
export const MIN_SECRET_LENGTH = 4;

const SENSITIVE_KEY =
  /authorization|cookie|password|passwd|secret|token|signature|api[-_]?key|credential|private[-_]?key|x-hub-signature|x-slack-signature/i;

/** Shape-based patterns, each with its replacement. Order matters: the specific before the generic. */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b([Bb]earer)\s+[A-Za-z0-9._~+/=:-]{4,}/g, `$1 ${REDACTED}`],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/g, `Basic ${REDACTED}`],
  [/\bfmn_[A-Za-z0-9_-]{4,}/g, REDACTED],
  // Per-tenant webhook secrets (src/platform/crypto.ts).
  [/\bfmwh_[A-Za-z0-9_-]{4,}/g, REDACTED],
  [/\bxox[abposre]-[A-Za-z0-9-]{4,}/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]{4,}/g, REDACTED],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{4,}|github_pat_[A-Za-z0-9_]{8,})/g, REDACTED],
  [/\blin_(?:api|wh|oauth)_[A-Za-z0-9]{4,}/g, REDACTED],
  // A PEM private key (the GitHub App's), whole.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  [/\b(v0|v1|sha1|sha256|sha512)=[0-9a-fA-F]{16,}/g, `$1=${REDACTED}`],
  // Ed25519 signatures (128 hex), HMAC-SHA256 digests (64 hex), public keys: long runs of hex.
  [/\b[0-9a-fA-F]{64,}\b/g, REDACTED],
  // Discord bot tokens: base64 id . timestamp . hmac.
  [/\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,7}\.[A-Za-z0-9_-]{25,}\b/g, REDACTED],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Capability URLs: Discord webhook / interaction tokens, Slack response URLs and incoming webhooks.
  [/(\/(?:webhooks|interactions)\/\d+\/)[A-Za-z0-9._-]{8,}/g, `$1${REDACTED}`],
  [/(hooks\.slack\.com\/)[^\s"'<>]+/g, `$1${REDACTED}`],
];

/**
 * Whether any shape pattern occurs in a text: one pass instead of one per pattern. Most strings in a
 * line (levels, routes, ids, messages) hold none, and replacing in a text none of them matches leaves
 * it as it was, so those texts skip the replacements.
 */
const ANY_PATTERN = new RegExp(PATTERNS.map(([pattern]) => `(?:${pattern.source})`).join("|"));

const MAX_DEPTH = 8;
const MAX_ARRAY = 100;
const MAX_STRING = 4000;

/** The configured secret values of `env`, longest first (so a secret containing another goes whole). */
export function secretValues(env: object | undefined): string[] {
  const record = (env ?? {}) as Record<string, unknown>;
  const values = new Set<string>(ALWAYS_SECRET);
  const names = new Set<string>(SECRET_ENV_NAMES);
  for (const name of Object.keys(record)) if (SECRET_ENV_NAME.test(name)) names.add(name);
  for (const name of names) {
    const v = record[name];
    if (typeof v === "string" && v.trim().length >= MIN_SECRET_LENGTH) values.add(v.trim());
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** A string with every known secret and credential-shaped substring replaced. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (ANY_PATTERN.test(out)) {
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  }
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…(truncated)` : out;
}

/**
 * Every string inside `value` with credential-shaped substrings replaced (no configured secrets, no
 * truncation): for listings of stored message bodies, e.g. a webhook secret shown once in a reply.
 */
export function redactShapes<T>(value: T): T {
  if (typeof value === "string") {
    let out: string = value;
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out as T;
  }
  if (Array.isArray(value)) return value.map((v) => redactShapes(v)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactShapes(v);
    return out as T;
  }
  return value;
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * A JSON-safe, redacted copy of `value`. Errors become `{name, message}`; functions and symbols are
 * dropped; cycles and depth beyond MAX_DEPTH become markers.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  return copy(value, secrets, 0, new WeakSet());
}

function copy(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case "string":
      return redactText(value, secrets);
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "function":
    case "symbol":
      return undefined;
  }
  if (typeof value !== "object") return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) return "[cycle]";
  if (depth >= MAX_DEPTH) return "[depth]";
  seen.add(value);
  try {
    if (value instanceof Error) {
      return { name: value.name, message: redactText(value.message, secrets) };
    }
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ARRAY).map((v) => copy(v, secrets, depth + 1, seen) ?? null);
      if (value.length > MAX_ARRAY) items.push(`…(${value.length - MAX_ARRAY} more)`);
      return items;
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      // Counts and flags under a sensitive name (`apiKeys: 3`) carry no secret: kept.
      if (isSensitiveKey(key) && typeof v !== "number" && typeof v !== "boolean") {
        if (v !== undefined && v !== null && v !== "") out[key] = REDACTED;
        continue;
      }
      const c = copy(v, secrets, depth + 1, seen);
      if (c !== undefined) out[redactText(key, secrets)] = c;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
