/** Log levels and `LOG_LEVEL` parsing (default `info`; an unknown value counts as `info`). */

export const LEVELS = ["debug", "info", "warn", "error"] as const;
export type Level = (typeof LEVELS)[number];

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLevel(value: unknown): value is Level {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

/** The minimum level named by a `LOG_LEVEL` value (case and spaces ignored). */
export function minimumLevel(configured: string | undefined): Level {
  const value = configured?.trim().toLowerCase();
  return isLevel(value) ? value : "info";
}

/** Whether a line at `level` passes the minimum `floor`. */
export function enabled(level: Level, floor: Level): boolean {
  return RANK[level] >= RANK[floor];
}
