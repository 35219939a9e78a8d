/**
 * A small per-isolate cache with a lifetime per entry and a bound on its size (the oldest entry goes
 * first): for lookups that would otherwise reach a global Durable Object on every request. What it
 * holds can be up to its lifetime out of date in other isolates; callers say so where they use it.
 */

export interface CacheEntry<V> {
  value: V;
  /** When it was stored (ms). */
  storedAt: number;
}

export class IsolateCache<V> {
  private readonly entries = new Map<string, CacheEntry<V> & { until: number }>();

  constructor(private readonly maxEntries = 1_000) {}

  /** The live entry of `key` at `now`, if any (none while `ttlMs` is 0: caching off). */
  get(key: string, now: number, ttlMs: number): CacheEntry<V> | undefined {
    if (ttlMs <= 0) return undefined;
    const hit = this.entries.get(key);
    return hit && hit.until > now ? hit : undefined;
  }

  /** Stores `value` for `ttlMs` (nothing when `ttlMs` is 0: caching off). */
  set(key: string, value: V, now: number, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: now, until: now + ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value ?? key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A cache lifetime setting in ms (`"0"` turns caching off); `fallback` when unset or not a number. */
export function cacheMsSetting(raw: string | undefined, fallback: number): number {
  const text = raw?.trim();
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : fallback;
}
