/**
 * Flushing every observability buffer of the isolate at once: the metric events waiting for their
 * rollup objects (metrics-buffer.ts) and the log lines waiting for the R2 archive
 * (archive-buffer.ts). Cron runs and queue batches end with it (handler.ts); tests call it before
 * reading the LOGS bucket or a Metrics object. The buffers are shared by everything the isolate runs
 * (every test file, with Vitest's `isolate: false`), so it writes other callers' pending data too.
 */
import { flushArchive } from "./archive-buffer";
import { flushMetrics } from "./metrics";

/** Sends everything buffered now. Never rejects; failed writes are reported on the console. */
export async function flushObservability(): Promise<void> {
  await Promise.all([flushMetrics(), flushArchive()]);
}
