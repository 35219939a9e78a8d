/** A task bounded in time: past the limit its signal is aborted and it counts as failed. */

/** A task that ran longer than the agent's `timeoutMs`. */
export class TaskTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`task timed out after ${timeoutMs} ms`);
    this.name = "TaskTimeoutError";
  }
}

/** Runs `task` with an abort signal; rejects with TaskTimeoutError (and aborts) after `timeoutMs`. */
export async function withTimeout<T>(
  timeoutMs: number,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TaskTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([task(controller.signal), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
