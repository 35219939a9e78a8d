/**
 * Answer within the platform's deadline (Slack and Discord: 3 s): if the work finishes within the
 * budget its reply goes in the HTTP response; otherwise the caller acknowledges now and posts the
 * reply later (Slack `response_url`, Discord edit of `@original`) from `ctx.waitUntil`.
 */
export const ACK_BUDGET_MS = 2_000;

export type Raced<T> = { done: true; value: T } | { done: false; later: Promise<T> };

export async function withinBudget<T>(work: Promise<T>, budgetMs = ACK_BUDGET_MS): Promise<Raced<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), budgetMs);
  });
  const settled = work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const winner = await Promise.race([settled, timeout]);
  if (timer !== undefined) clearTimeout(timer);
  if (winner === "timeout") return { done: false, later: work };
  if ("error" in winner) throw winner.error;
  return { done: true, value: winner.value };
}
