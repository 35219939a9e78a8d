/**
 * The query of the Deliveries lists (`GET /api/outbox`, `GET /api/deliveries/dead`): `limit`, the
 * `platform` and `since` filters, and the opaque `cursor` of the previous page. A cursor is base64url
 * text naming its list, tenant and filters and where its page ended (time and seq: keyset paging in
 * src/delivery/outbox-pages.ts); one of another list, another tenant or other filters is a 400
 * naming `cursor`, and nothing is read.
 */
import { z } from "@hono/zod-openapi";
import type { PagePosition, PageQuery } from "../delivery/api";
import { PLATFORMS, type Platform } from "../delivery/types";
import { base64url, fromBase64 } from "../platform/base64";
import { ValidationError } from "../platform/errors";
import { TenantLimitQuery } from "./schemas";

export type DeliveryList = "outbox" | "dead";

interface Cursor extends PagePosition {
  list: DeliveryList;
  tenant: string;
  platform: Platform | null;
  sinceMs: number | null;
}

const LIST_CODE = { outbox: "o", dead: "d" } as const satisfies Record<DeliveryList, string>;
/** `1.<list>.<platform>.<since ms>.<at ms>.<seq>.<tenant>` (platform and since empty when not given). */
const CURSOR = new RegExp(
  `^1\\.(o|d)\\.(${PLATFORMS.join("|")})?\\.(\\d{1,15})?\\.(\\d{1,15})\\.(\\d{1,15})\\.(.{1,128})$`,
);
const TIME_OF: Record<DeliveryList, string> = { outbox: "kept", dead: "failed" };

function encodeCursor(c: Cursor): string {
  const text = [1, LIST_CODE[c.list], c.platform ?? "", c.sinceMs ?? "", c.at, c.seq, c.tenant].join(".");
  return base64url(new TextEncoder().encode(text));
}

function decodeCursor(text: string): Cursor | null {
  const bytes = fromBase64(text);
  if (!bytes) return null;
  let plain: string;
  try {
    plain = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  const m = CURSOR.exec(plain);
  if (!m || m[4] === undefined || m[5] === undefined || m[6] === undefined) return null;
  return {
    list: m[1] === "o" ? "outbox" : "dead",
    platform: PLATFORMS.find((p) => p === m[2]) ?? null,
    sinceMs: m[3] === undefined ? null : Number(m[3]),
    at: Number(m[4]),
    seq: Number(m[5]),
    tenant: m[6],
  };
}

/** The query of one list: `TenantLimitQuery` with its filters and cursor. */
export function deliveriesQuery(list: DeliveryList) {
  return TenantLimitQuery.extend({
    platform: z.enum(PLATFORMS).optional().openapi({ description: "Only deliveries to this platform" }),
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({
        description: `Only deliveries ${TIME_OF[list]} at or after this time (ISO 8601)`,
        example: "2026-11-24T10:00:00.000Z",
      }),
    cursor: z
      .string()
      .max(400)
      .optional()
      .refine((c) => c === undefined || decodeCursor(c)?.list === list, "not a cursor this list gave")
      .openapi({
        description:
          "`nextCursor` of the previous page, with the same `platform` and `since` (absent: the newest page)",
      }),
  });
}

export interface DeliveriesQuery {
  limit: number;
  platform?: Platform | undefined;
  since?: string | undefined;
  cursor?: string | undefined;
}

/** The page a validated query asks for; a cursor of another tenant or other filters is a 400. */
export function pageQuery(list: DeliveryList, tenant: string, query: DeliveriesQuery): PageQuery {
  // Every stored time is after 1970: an earlier `since` means the same as 0, and keeps cursors digits.
  const sinceMs = query.since === undefined ? undefined : Math.max(0, Date.parse(query.since));
  const page: PageQuery = {
    limit: query.limit,
    ...(query.platform === undefined ? {} : { platform: query.platform }),
    ...(sinceMs === undefined ? {} : { sinceMs }),
  };
  if (query.cursor === undefined) return page;
  const cursor = decodeCursor(query.cursor);
  if (!cursor || cursor.list !== list) throw invalidCursor("not a cursor this list gave");
  if (cursor.tenant !== tenant) throw invalidCursor("a cursor of another tenant");
  if (cursor.platform !== (page.platform ?? null) || cursor.sinceMs !== (page.sinceMs ?? null)) {
    throw invalidCursor("given with other filters: pass the platform and since of the first page");
  }
  return { ...page, after: { at: cursor.at, seq: cursor.seq } };
}

function invalidCursor(message: string): ValidationError {
  return new ValidationError([{ field: "cursor", message }], "Invalid query parameters");
}

/** The cursor of the page after the one `query` got (ended at `next`); null when nothing is older. */
export function nextCursor(
  list: DeliveryList,
  tenant: string,
  query: PageQuery,
  next: PagePosition | null,
): string | null {
  if (next === null) return null;
  const filters = { platform: query.platform ?? null, sinceMs: query.sinceMs ?? null };
  return encodeCursor({ list, tenant, ...filters, at: next.at, seq: next.seq });
}
