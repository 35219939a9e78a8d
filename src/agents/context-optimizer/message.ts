/**
 * The one message a release sends: everything held for a person, one line per pull request (the
 * latest item about it), grouped into blocks by repository with an effort estimate, and the buttons
 * of each line. A single item goes as it was built. Pure.
 */
import { encodeAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import type { Reply, ReplyButton, ReplySection } from "../../chat/reply";
import type { ItemPr, PersonItem } from "./model";

/** Buttons in one message: Discord allows 5 rows of 5, Slack 25 elements in an actions block. */
export const MAX_BUTTONS = 25;
/** Lines shown per message before "and N more". */
const MAX_LINES = 20;

/** Minutes to review a change of `lines` lines: 10 min + 0.2 min per line, at most one 90-minute sitting. */
export function reviewMinutes(lines: number): number {
  return Math.min(90, Math.round(10 + 0.2 * Math.max(0, lines)));
}

/** The latest item per PR (items without a PR stay apart), in the order their PR first came up. */
function latestPerPr(items: readonly PersonItem[]): Array<{ item: PersonItem; count: number }> {
  const out = new Map<string, { item: PersonItem; count: number }>();
  for (const item of items) {
    const key = item.pr ? `${item.pr.repo.toLowerCase()}#${item.pr.number}` : `key:${item.key}`;
    const seen = out.get(key);
    out.set(key, { item, count: (seen?.count ?? 0) + 1 });
  }
  return [...out.values()];
}

function blockTitle(repo: string, prs: readonly ItemPr[], reviews: number): string {
  const known = prs.filter((p) => p.lines !== null);
  const minutes = known.reduce((sum, p) => sum + reviewMinutes(p.lines ?? 0), 0);
  const effort = known.length === prs.length && reviews > 0 ? `, about ${minutes} min` : "";
  const what =
    reviews > 0
      ? `${reviews} review${reviews === 1 ? "" : "s"}`
      : `${prs.length} update${prs.length === 1 ? "" : "s"}`;
  return `${literal(repo)}: ${what}${effort}`;
}

/** One message for `items` (oldest first). */
export function mergedReply(items: readonly PersonItem[]): Reply {
  const only = items[0];
  if (items.length === 1 && only) return only.reply;
  const lines = latestPerPr(items);
  const reviews = lines.filter((l) => l.item.kind === "review").length;
  const headline =
    reviews === lines.length
      ? `${reviews} reviews for you`
      : `${items.length} updates for you${reviews > 0 ? `, ${reviews} of them review requests` : ""}`;
  const byRepo = new Map<string, Array<{ item: PersonItem; count: number }>>();
  const other: Array<{ item: PersonItem; count: number }> = [];
  for (const line of lines) {
    if (!line.item.pr) {
      other.push(line);
      continue;
    }
    const repo = line.item.pr.repo;
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), line]);
  }
  const sections: ReplySection[] = [];
  let shown = 0;
  const text = (l: { item: PersonItem; count: number }) =>
    l.count > 1 ? `${l.item.reply.text} (${l.count} updates)` : l.item.reply.text;
  for (const [repo, group] of byRepo) {
    const visible = group.slice(0, Math.max(0, MAX_LINES - shown));
    shown += visible.length;
    const prs = group.flatMap((l) => (l.item.pr ? [l.item.pr] : []));
    const groupReviews = group.filter((l) => l.item.kind === "review").length;
    sections.push({ title: blockTitle(repo, prs, groupReviews), lines: visible.map(text) });
  }
  if (other.length > 0) sections.push({ lines: other.slice(0, Math.max(0, MAX_LINES - shown)).map(text) });
  const hidden = lines.length - Math.min(lines.length, MAX_LINES);
  if (hidden > 0) sections.push({ text: `and ${hidden} more: \`/foreman review mine\` lists them all.` });
  const buttons: ReplyButton[] = [];
  const seen = new Set<string>();
  // A block of two or more reviews in one repository can be started at once.
  for (const [repo, group] of byRepo) {
    const reviewsHere = group.filter((l) => l.item.kind === "review").length;
    // The button id must fit Discord's 100 characters (`fm1:review.block:` + the repository).
    if (reviewsHere < 2 || repo.includes(":") || repo.length > 80) continue;
    seen.add(`block:${repo}`);
    buttons.push({
      action: encodeAction("review.block", repo.toLowerCase()),
      label: `Start block (${reviewsHere})`,
    });
  }
  for (const line of lines) {
    const pr = line.item.pr;
    for (const b of line.item.reply.buttons) {
      if (seen.has(b.action) || buttons.length >= MAX_BUTTONS) continue;
      seen.add(b.action);
      // Which PR a button is for, once several share the message.
      buttons.push(pr ? { ...b, label: `#${pr.number} ${b.label}`.slice(0, 75) } : b);
    }
  }
  return {
    ephemeral: false,
    text: headline,
    title: headline,
    sections,
    buttons,
    tone: items.some((i) => i.urgent) ? "warning" : "info",
  };
}
