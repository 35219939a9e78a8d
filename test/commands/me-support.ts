/** Shared by the `me` command tests: a two-person team and a parse that must fail. */
import { env } from "cloudflare:workers";
import { parseCommand } from "../../src/commands/parse";
import type { ParseResult } from "../../src/commands/types";
import { settings } from "../../src/settings/stub";
import { chatContext, run, slack } from "./helpers";

/** 2026-12-01 is a Tuesday; "today" for people in UTC. */
export const NOW = new Date("2026-12-01T10:00:00Z");
export const alice = slack("U0ALICE", "alice");
export const bob = slack("U0BOB", "bob");

/** A tenant with alice (lead) and bob on the team, both in UTC, mon-fri 09:00-17:00. */
export async function team(tenant: string) {
  const asAlice = chatContext(tenant, { actor: alice, now: NOW });
  const asBob = chatContext(tenant, { actor: bob, now: NOW });
  await run("team add <@U0ALICE|alice> github:alice --lead", asAlice);
  await run("team add <@U0BOB|bob> github:bob", asAlice);
  return { asAlice, asBob, store: settings(env, tenant) };
}

export function err(text: string): Extract<ParseResult, { ok: false }> {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected ${text} to fail, got ${JSON.stringify(result.command)}`);
  return result;
}
