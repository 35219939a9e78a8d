/** Counting words in replies: "3 pull requests", "…and 4 more". Pure. */

/** `1 pull request`, `3 pull requests`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** At most `max` lines, with a "…and N more" line for the rest. */
export function capped(lines: string[], max: number, more = (n: number) => `…and ${n} more`): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), more(lines.length - max)];
}
