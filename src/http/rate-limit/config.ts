/**
 * Rate-limit settings: `RATE_LIMIT_PER_KEY` (authenticated `/api/*` calls, per API key) and
 * `RATE_LIMIT_PER_IP` (unauthenticated or failed-auth `/api/*` calls, per source address).
 *
 * Format: `<count>/<unit>` with unit `s`, `min` or `h` (also `sec`, `second`, `m`, `minute`,
 * `hour`), or a bare `<count>` (per minute). `0` or `off` turns the limit off. A missing or
 * unreadable value falls back to the default (600/min per key, 300/min per address) and is never
 * "no limit" by accident.
 */

export interface Rate {
  limit: number;
  windowMs: number;
}

export interface RateConfig {
  /** null: no limit. */
  perKey: Rate | null;
  perIp: Rate | null;
}

export const DEFAULT_PER_KEY: Rate = { limit: 600, windowMs: 60_000 };
export const DEFAULT_PER_IP: Rate = { limit: 300, windowMs: 60_000 };

const UNITS: Record<string, number> = {
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

const RATE = /^(\d{1,9})\s*(?:\/\s*([a-z]+))?$/;

/** A rate from its text; `null` when turned off; `fallback` when missing or unreadable. */
export function parseRate(value: string | undefined, fallback: Rate): Rate | null {
  const text = value?.trim().toLowerCase() ?? "";
  if (text === "") return fallback;
  if (text === "off") return null;
  const match = RATE.exec(text);
  if (!match) return fallback;
  const limit = Number(match[1]);
  const windowMs = match[2] === undefined ? 60_000 : UNITS[match[2]];
  if (windowMs === undefined) return fallback;
  return limit === 0 ? null : { limit, windowMs };
}

export function rateConfig(env: { RATE_LIMIT_PER_KEY?: string; RATE_LIMIT_PER_IP?: string }): RateConfig {
  return {
    perKey: parseRate(env.RATE_LIMIT_PER_KEY, DEFAULT_PER_KEY),
    perIp: parseRate(env.RATE_LIMIT_PER_IP, DEFAULT_PER_IP),
  };
}
