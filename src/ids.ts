/** Random identifiers: a short prefix naming the kind, then 20 base32 characters (100 bits). */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

export function randomId(prefix: string, length = 20): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}

export function correlationId(): string {
  return crypto.randomUUID();
}
