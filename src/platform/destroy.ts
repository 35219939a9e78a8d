/**
 * Wiping a Durable Object (tenant deletion, src/http/tenant-purge.ts).
 *
 * Each tenant-scoped class has a `destroy()` RPC that calls `destroyObject(ctx)`: alarm deleted,
 * storage deleted (SQLite tables included), the deletion flushed, then `ctx.abort()` resets the
 * instance so nothing it held in memory survives and the next call constructs it afresh (its
 * constructor recreates empty tables). The abort makes the RPC call itself fail with
 * `DESTROYED`; `wipe()` on the calling side treats exactly that failure as success.
 */

/** The abort reason; a caller seeing it knows the object wiped itself. */
export const DESTROYED = "foreman: durable object destroyed (tenant deletion)";

/** Wipes the object's alarm and storage, then resets it. Never returns normally. */
export async function destroyObject(ctx: DurableObjectState): Promise<void> {
  await ctx.storage.deleteAlarm();
  await ctx.storage.deleteAll();
  await ctx.storage.sync();
  ctx.abort(DESTROYED);
}

function isDestroyed(err: unknown): boolean {
  return err instanceof Error && err.message.includes(DESTROYED);
}

/** Calls an object's `destroy()`; its reset is success, anything else is rethrown. */
export async function wipe(destroy: () => Promise<void>): Promise<void> {
  try {
    await destroy();
  } catch (err) {
    if (!isDestroyed(err)) throw err;
  }
}
