/**
 * One load run with autocannon (in this process, 127.0.0.1 only), summarised as the bench reports
 * it: requests per second, p50 / p90 / p99 / max latency in ms, and every kind of failure counted.
 */
import autocannon from "autocannon";

/** Refuses anything but loopback: the bench never drives another machine. */
function assertLocal(url) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
    throw new Error(`bench targets must be on 127.0.0.1, not ${host}`);
  }
}

/**
 * @param {object} o
 * @param {string} o.url origin, e.g. http://127.0.0.1:8787
 * @param {number} o.connections
 * @param {number} [o.duration] seconds (bounded run), unless `amount`
 * @param {number} [o.amount] exact number of requests (overrides duration)
 * @param {object[]} o.requests autocannon request list (each connection loops over it)
 * @param {number} [o.timeout] seconds per request before it counts as a timeout
 */
export async function drive({ url, connections, duration = 5, amount, requests, timeout = 10, title }) {
  assertLocal(url);
  const result = await autocannon({
    url,
    connections,
    pipelining: 1,
    timeout,
    requests,
    ...(amount ? { amount } : { duration }),
    ...(title ? { title } : {}),
  });
  const total = Object.values(result.statusCodeStats ?? {}).reduce((n, s) => n + Number(s.count), 0);
  const seconds = Math.max(result.duration, 1e-3);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]),
  );
  return {
    connections,
    seconds: round(seconds, 2),
    requests: total,
    rps: Math.round(total / seconds),
    p50: round(result.latency.p50),
    p90: round(result.latency.p90),
    p99: round(result.latency.p99),
    max: round(result.latency.max),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}

export function round(n, digits = 2) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Rejects with "<what> took longer than <ms> ms" unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
