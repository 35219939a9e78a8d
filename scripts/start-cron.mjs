/**
 * Cron Triggers for `npm start`: which wrangler.toml `crons` fire in a given UTC minute, as on
 * Cloudflare. Five fields (minute hour day-of-month month day-of-week), each `*`, a number, a range
 * `a-b`, a step `* /n` or `a-b/n`, or a comma list of those; day-of-week 0-7 (0 and 7 are Sunday).
 * Like cron, when both day fields are restricted either may match. Names (MON, JAN), `L`, `W` and `#`
 * are not supported: such an expression never fires here (and `npm start` says so).
 */

const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 7 },
];

/** The set of values one field allows, or null when the field is not understood. */
function parseField(text, { min, max }) {
  const values = new Set();
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const from = m[1] === "*" ? min : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : from;
    const step = m[4] ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return null;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Parsed fields, or null for an expression this module does not support. */
export function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]));
  if (sets.some((s) => s === null)) return null;
  if (sets[4].has(7)) sets[4].add(0);
  return { sets, domAny: parts[2] === "*", dowAny: parts[4] === "*" };
}

/** Whether the cron fires in the UTC minute of `date`. */
export function cronMatches(expression, date) {
  const cron = parseCron(expression);
  if (!cron) return false;
  const [minute, hour, dom, month, dow] = cron.sets;
  if (!minute.has(date.getUTCMinutes()) || !hour.has(date.getUTCHours())) return false;
  if (!month.has(date.getUTCMonth() + 1)) return false;
  const domOk = dom.has(date.getUTCDate());
  const dowOk = dow.has(date.getUTCDay());
  if (cron.domAny || cron.dowAny) return domOk && dowOk;
  return domOk || dowOk;
}

/** The start of the next whole minute after `ms` (epoch milliseconds). */
export function nextMinute(ms) {
  return (Math.floor(ms / 60_000) + 1) * 60_000;
}
