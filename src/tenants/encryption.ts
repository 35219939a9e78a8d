/**
 * Encryption at rest of secrets Foreman must read back, not just compare: per-tenant webhook secrets
 * (an HMAC needs the secret itself), and later the tenants' bot tokens. AES-256-GCM through Web
 * Crypto under the deployment secret `TOKEN_ENCRYPTION_KEY`: 32 random bytes, base64
 * (`openssl rand -base64 32`). Stored values are envelopes `v1.<key id>.<iv>.<ciphertext>` (base64url),
 * bound by GCM's additional data to what they belong to (e.g. `webhook:github:<tenant>:<hook id>`), so
 * a sealed value copied to another row does not open.
 *
 * Rotation: the new key in TOKEN_ENCRYPTION_KEY, the old one in TOKEN_ENCRYPTION_KEY_PREVIOUS; sealing
 * always uses the new key, opening picks the key by the envelope's key id (the first 8 hex digits of
 * the key's SHA-256), and `open` says when a value still needs re-sealing (docs/security.md).
 *
 * With no key, `DEMO_MODE = "true"` and a request addressed to localhost, a fixed, public dev-only key
 * is used, so `npm run dev` works with no setup. It protects nothing: it exists only so the demo runs,
 * and it is refused for any other host, so a deployment never encrypts with it. Without a key anywhere
 * else nothing can be sealed: EncryptionKeyError says how to set one.
 */

import { base64url, fromBase64 } from "../platform/base64";
import { toHex } from "../platform/crypto";
import { EncryptionKeyError } from "../platform/errors";
import { isLocalHostname } from "./authenticate";

/** Public on purpose (it is in the source): only ever used in demo mode on localhost. */
export const DEV_ENCRYPTION_KEY = "A6wWIO0/3C/s9BFhgXZv4Ffgj/JiKivV/MPXrME0+38=";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = "v1";
const encoder = new TextEncoder();

export const KEY_HELP =
  "set TOKEN_ENCRYPTION_KEY to 32 random bytes, base64: `openssl rand -base64 32 | wrangler secret put TOKEN_ENCRYPTION_KEY` (locally a line in .dev.vars)";

interface SealKey {
  id: string;
  key: CryptoKey;
}

/** The keys of one request: the one that seals, and every one that may open. */
export interface Keyring {
  current: SealKey;
  others: SealKey[];
  /** The current key is the public dev-only key (demo mode on localhost). */
  dev: boolean;
}

interface KeyEnv {
  TOKEN_ENCRYPTION_KEY?: string;
  TOKEN_ENCRYPTION_KEY_PREVIOUS?: string;
  DEMO_MODE?: string;
}

const imported = new Map<string, Promise<SealKey>>();

/** 32 bytes from base64 (standard or url-safe, padding optional), else an EncryptionKeyError. */
export function parseEncryptionKey(raw: string, name: string): Uint8Array {
  const bytes = fromBase64(raw.trim());
  if (bytes?.byteLength !== KEY_BYTES) {
    throw new EncryptionKeyError(`${name} must be ${KEY_BYTES} bytes, base64 encoded: ${KEY_HELP}`);
  }
  return bytes;
}

function importKey(raw: string, name: string): Promise<SealKey> {
  const cacheKey = `${name}\u0000${raw}`;
  let found = imported.get(cacheKey);
  if (!found) {
    const bytes = parseEncryptionKey(raw, name);
    found = (async () => {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const key = await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
      return { id: toHex(digest).slice(0, 8), key };
    })();
    imported.set(cacheKey, found);
  }
  return found;
}

/** Whether a request to `hostname` may fall back to the dev-only key (demo mode, no key set). */
export function devKeyAllowed(env: KeyEnv, hostname: string | null): boolean {
  return !env.TOKEN_ENCRYPTION_KEY?.trim() && env.DEMO_MODE === "true" && isLocalHostname(hostname ?? "");
}

/**
 * The keyring for a request addressed to `hostname` (null when unknown, e.g. no request). Throws
 * EncryptionKeyError when there is no usable key.
 */
export async function keyringFor(env: KeyEnv, hostname: string | null): Promise<Keyring> {
  const configured = env.TOKEN_ENCRYPTION_KEY?.trim();
  const previous = env.TOKEN_ENCRYPTION_KEY_PREVIOUS?.trim();
  if (configured) {
    const current = await importKey(configured, "TOKEN_ENCRYPTION_KEY");
    const others = previous ? [await importKey(previous, "TOKEN_ENCRYPTION_KEY_PREVIOUS")] : [];
    return { current, others, dev: false };
  }
  if (devKeyAllowed(env, hostname)) {
    return { current: await importKey(DEV_ENCRYPTION_KEY, "the dev-only key"), others: [], dev: true };
  }
  throw new EncryptionKeyError(
    `TOKEN_ENCRYPTION_KEY is not set, so secrets cannot be stored or read: ${KEY_HELP}`,
  );
}

/** Encrypts `plaintext` for `context` (the additional data: what the value belongs to). */
export async function seal(ring: Keyring, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    ring.current.key,
    encoder.encode(plaintext),
  );
  return [VERSION, ring.current.id, base64url(iv), base64url(new Uint8Array(ciphertext))].join(".");
}

export interface Opened {
  plaintext: string;
  /** Sealed with the current key; false: still under TOKEN_ENCRYPTION_KEY_PREVIOUS (re-seal it). */
  current: boolean;
}

/** Decrypts an envelope made by `seal` for the same `context`; EncryptionKeyError if it cannot. */
export async function open(ring: Keyring, envelope: string, context: string): Promise<Opened> {
  const [version, id, ivText, dataText, ...rest] = envelope.split(".");
  const iv = fromBase64(ivText ?? "");
  const data = fromBase64(dataText ?? "");
  if (version !== VERSION || rest.length > 0 || !iv || !data) {
    throw new EncryptionKeyError("A stored secret is not in a format this version of Foreman reads");
  }
  const key = [ring.current, ...ring.others].find((k) => k.id === id);
  if (!key) {
    throw new EncryptionKeyError(
      `A stored secret was sealed with an encryption key this deployment does not have (key id ${id}): ` +
        "put that key back in TOKEN_ENCRYPTION_KEY_PREVIOUS, or make the secret again",
    );
  }
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
      key.key,
      data,
    );
    return { plaintext: new TextDecoder().decode(plain), current: key === ring.current };
  } catch {
    throw new EncryptionKeyError("A stored secret does not open: it was altered or belongs elsewhere");
  }
}
