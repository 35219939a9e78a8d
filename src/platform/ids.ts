/** Random identifiers: a short prefix naming the kind, then 20 base32 characters (100 bits). */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

export function randomId(prefix: string, length = 20): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}

/** 64-bit FNV-1a (as two 32-bit halves) in hex: a stable, compact digest of a key. */
export function fnv1a64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}

export function correlationId(): string {
  return crypto.randomUUID();
}
