/**
 * The source address of a request, for per-address rate limiting.
 *
 * A client can send any header it likes, so an address header is believed only where something the
 * operator controls sets it: `TRUST_PROXY_HEADER` names that header.
 *
 * - `CF-Connecting-IP`: on Cloudflare the edge sets it and overwrites a client's value. Set for the
 *   staging and production environments in wrangler.toml.
 * - `X-Forwarded-For`: a reverse proxy of the operator's appends the peer address; the last entry
 *   is used (earlier entries come from the client).
 * - `X-Real-IP`: a reverse proxy of the operator's sets it to the peer address.
 * - unset, `none` or anything else: no header is believed. Locally (`npm run dev`, `npm start`,
 *   Miniflare) nothing in front strips a client's `CF-Connecting-IP`, and `request.cf` can be
 *   forged there too (Miniflare reads it from a request header), so neither is a signal of
 *   Cloudflare's edge. The Workers runtime does not give a Worker the connection's own address, so
 *   every such request shares the bucket `unknown` (see src/http/rate-limit/middleware.ts).
 *
 * IPv6 addresses are reduced to their /64 network: one subscriber usually holds a whole /64, so a
 * per-address limit on full IPv6 addresses would be trivial to rotate around.
 */

export const UNKNOWN_ADDRESS = "unknown";

/** The headers `TRUST_PROXY_HEADER` may name, lower-cased. */
export const PROXY_HEADERS = ["cf-connecting-ip", "x-forwarded-for", "x-real-ip"] as const;
export type ProxyHeader = (typeof PROXY_HEADERS)[number];

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

/** The header `TRUST_PROXY_HEADER` names, or null when no header is to be believed. */
export function trustedHeader(env: { TRUST_PROXY_HEADER?: string }): ProxyHeader | null {
  const name = env.TRUST_PROXY_HEADER?.trim().toLowerCase() ?? "";
  return (PROXY_HEADERS as readonly string[]).includes(name) ? (name as ProxyHeader) : null;
}

/** The request's source address bucket: from the trusted header, else `unknown` (see above). */
export function clientAddress(request: Request, trusted: ProxyHeader | null): string {
  if (!trusted) return UNKNOWN_ADDRESS;
  const value = request.headers.get(trusted);
  if (!value) return UNKNOWN_ADDRESS;
  // X-Forwarded-For: client, proxy1, …: the last entry is the one the operator's proxy added.
  const address = trusted === "x-forwarded-for" ? (value.split(",").pop() ?? "") : value;
  return addressBucket(address);
}
