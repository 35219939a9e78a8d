/**
 * The source address of a request, for per-address rate limiting.
 *
 * Only `CF-Connecting-IP` is trusted: Cloudflare's edge sets it (and overwrites any value a client
 * sends). `X-Forwarded-For` and friends are client-controlled and ignored. Without the header
 * (tests, a service binding) every request shares the bucket `unknown`.
 *
 * IPv6 addresses are reduced to their /64 network: one subscriber usually holds a whole /64, so a
 * per-address limit on full IPv6 addresses would be trivial to rotate around.
 */

export const UNKNOWN_ADDRESS = "unknown";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The 8 hextets of an IPv6 address (with `::` expanded), or null when it is not one. */
export function ipv6Hextets(address: string): string[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(":")) return null;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two hextets.
  const v4 = IPV4.exec(text.slice(text.lastIndexOf(":") + 1));
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    const tail = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    text = text.slice(0, text.lastIndexOf(":") + 1) + tail;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ""));
}

/** The rate-limit identity of an address: IPv4 as is, IPv6 as its /64 (`2001:db8:1:2::/64`). */
export function addressBucket(address: string): string {
  const text = address.trim();
  if (IPV4.test(text)) return text;
  const hextets = ipv6Hextets(text);
  if (!hextets) return UNKNOWN_ADDRESS;
  return `${hextets.slice(0, 4).join(":")}::/64`;
}

/** The request's source address bucket (see above). */
export function clientAddress(request: Request): string {
  const header = request.headers.get("CF-Connecting-IP");
  return header ? addressBucket(header) : UNKNOWN_ADDRESS;
}
