/** Reading a request's `Cookie` header. */

/** The value of cookie `name` in a `Cookie` header (trimmed), or null when it is not there. */
export function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at >= 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}
