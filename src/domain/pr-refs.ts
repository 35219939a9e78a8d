/**
 * Pull request references: `owner/repo#42` in text and button ids, a short `p<id>` (the Review
 * Manager's row id) when a long repository name would not fit a button id, and delivery keys that
 * stay within the outbox's 256 characters.
 */

import { fnv1a64 } from "../platform/ids";
import { repoSchema } from "./values";

export interface PrRef {
  repo: string;
  number: number;
}

/** What a review button points at: a PR by name, or by the Review Manager's row id. */
export type PrTarget = PrRef | { id: number };

const MAX_PR_NUMBER = 2_147_483_647;
const REF = /^([^\s#:]+)#(\d{1,10})$/;
const SHORT = /^p(\d{1,12})$/;

export const prRef = (pr: PrRef) => `${pr.repo}#${pr.number}`;

/** `owner/repo#42` (repository lower-cased), or null. */
export function parsePrRef(text: string): PrRef | null {
  const m = REF.exec(text.trim());
  if (!m) return null;
  const repo = (m[1] ?? "").toLowerCase();
  const number = Number(m[2]);
  if (!repoSchema.safeParse(repo).success || number < 1 || number > MAX_PR_NUMBER) return null;
  return { repo, number };
}

/** A button argument: `owner/repo#42` or `p17`; null when it is neither. */
export function parsePrTarget(arg: string): PrTarget | null {
  const short = SHORT.exec(arg);
  if (short) return { id: Number(short[1]) };
  return parsePrRef(arg);
}

export const isPrTarget = (arg: string) => parsePrTarget(arg) !== null;

export const shortTarget = (id: number) => `p${id}`;

/** `owner` and `repo` of a lower-case `owner/repo`, as GitHub's REST paths want them. */
export function ownerRepo(repo: string): { owner: string; repo: string } {
  const [owner = "", name = ""] = repo.split("/");
  return { owner, repo: name };
}

const MAX_KEY = 256;

/** A delivery key; an over-long one keeps a readable prefix and a hash of the whole. */
export function deliveryKey(...parts: Array<string | number>): string {
  const key = parts.join(":");
  if (key.length <= MAX_KEY) return key;
  return `${key.slice(0, MAX_KEY - 18)}:h${fnv1a64(key)}`;
}
