/**
 * Text pieces of review cards, in the neutral reply markup (src/chat/markup.ts): every value
 * from outside (titles, logins, repository names) goes in through `literal`/`code`/`link`. Pure.
 */
import { code, link, literal, userRef } from "../../../chat/markup";
import type { ChatPlatform } from "../../../chat/platform";
import type { SkipReason } from "../../../domain/assignment";
import { prRef } from "../../../domain/pr-refs";
import type { SlaState } from "../../../domain/sla";
import { HOUR_MS, MINUTE_MS, zonedParts } from "../../../domain/time";
import { loginKey, type People } from "./candidates";
import type { Person, PrSnapshot, ReviewerStatus } from "./model";

export { code };

/** The chat user a GitHub login is on `platform`, if they are on the team there. */
function chatUser(login: string, people: People, platform: ChatPlatform): string | null {
  const person = people.get(loginKey(login));
  return person && person.user.platform === platform ? person.user.id : null;
}

/** A person as a mention where it resolves (their chat platform), else their GitHub login. */
export function mention(login: string, people: People, platform: ChatPlatform): string {
  const id = chatUser(login, people, platform);
  return id ? userRef(id) : code(login);
}

/** A team member by name, without notifying them (`**Bob**`); someone not on the team by login. */
export function nameOf(login: string, people: People): string {
  const person = people.get(loginKey(login));
  return person ? `**${literal(person.user.name ?? person.login)}**` : code(login);
}

/** `<@U0BOB> (`bob`)`, or `bob` alone when no mention resolves. */
export function named(login: string, people: People, platform: ChatPlatform): string {
  const id = chatUser(login, people, platform);
  return id ? `${userRef(id)} (${code(login)})` : code(login);
}

export function mentionAll(persons: readonly Person[], platform: ChatPlatform, people: People): string {
  return persons.map((p) => mention(p.login, people, platform)).join(" ");
}

/** `Wed 2030-01-09 17:00 Europe/Berlin`: an instant in someone's own zone. */
export function localTime(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${p.weekday[0]?.toUpperCase()}${p.weekday.slice(1)}`;
  return `${day} ${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)} ${tz}`;
}

/** `3 h 30 min`, `45 min`, `0 min`: working time (no days: a working day is not 24 h). */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(Math.abs(ms) / MINUTE_MS));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export const hours = (ms: number) => `${Math.round((ms / HOUR_MS) * 100) / 100} h`;

/** `[acme/api#42](url) Fix the thing`: a link Foreman makes, then the title as text. */
export function prLink(pr: Pick<PrSnapshot, "repo" | "number" | "url" | "title">): string {
  const ref = literal(prRef(pr));
  const label = link(ref, pr.url) ?? `**${ref}**`;
  return pr.title ? `${label} ${literal(pr.title.replaceAll("\n", " ").slice(0, 200))}` : label;
}

export const SLA_STATE_TEXT: Record<SlaState, string> = {
  ok: "ok",
  at_risk: "at risk",
  breached: "breached",
};

export const STATUS_TEXT: Record<ReviewerStatus, string> = {
  requested: "waiting",
  in_progress: "in review",
  reviewed: "reviewed",
  removed: "request removed",
  reassigned: "reassigned",
  released: "released",
  closed: "closed",
};

export const SKIP_TEXT: Record<SkipReason, string> = {
  author: "the author",
  "co-author": "a co-author",
  ooo: "out of office",
  "at-capacity": "at capacity",
  "already-requested": "already requested",
};
