/**
 * `team import github:<org>/<team>`: the GitHub team's members, each matched to a Slack user by the
 * public email of their GitHub account (`users.lookupByEmail`), added to the roster the way
 * `team add` adds them, with the zone of their Slack profile (working hours Mon-Fri 09:00-17:00 in
 * it). Who is already on the team is left as is, so importing again adds only who is new. The
 * reads are the adapter's (`ctx.directoryReads`): commands never call a platform themselves.
 */

import { encodeAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import { sameUser } from "../../chat/platform";
import { type Reply, type ReplyButton, type ReplySection, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import { type ChatUser, GITHUB_LOGIN, SLACK_USER_ID } from "../../domain/values";
import { errorMessage } from "../../platform/errors";
import type { TeamMember } from "../../settings/model";
import type { CommandContext, DirectoryReads } from "../context";
import { DirectoryReadError, TeamNotFoundError } from "../directory-errors";
import type { CommandOf } from "../types";
import { checkZone } from "../value-checks";
import { actorKey, code, who } from "./format";
import { problem, tenantSettings } from "./shared";

/** At most this many members are read per import (GitHub teams are rarely larger). */
export const MAX_IMPORT = 300;
/** At most this many "Add …" buttons (one per person not matched). */
const MAX_FORM_BUTTONS = 20;

interface Unmatched {
  login: string;
  why: string;
}

interface Outcome {
  added: TeamMember[];
  already: { login: string; member: TeamMember }[];
  unmatched: Unmatched[];
}

const validZone = (tz: string | null): string | undefined => {
  if (!tz) return undefined;
  const zone = checkZone(tz);
  return typeof zone === "string" ? zone : undefined;
};

async function importOne(
  login: string,
  reads: DirectoryReads,
  roster: TeamMember[],
  ctx: CommandContext,
  out: Outcome,
): Promise<void> {
  const byLogin = roster.find((m) => m.github.toLowerCase() === login.toLowerCase());
  if (byLogin) {
    out.already.push({ login, member: byLogin });
    return;
  }
  const account = await reads.githubUser(login);
  if (!account.email) {
    out.unmatched.push({ login, why: "no public email on GitHub" });
    return;
  }
  const person = await reads.slackUserByEmail(account.email);
  if (!person || !SLACK_USER_ID.test(person.id)) {
    out.unmatched.push({ login, why: "no Slack user with their public email" });
    return;
  }
  const name = person.name?.trim();
  const user: ChatUser = name
    ? { platform: "slack", id: person.id, name }
    : { platform: "slack", id: person.id };
  const byUser = roster.find((m) => sameUser(m.user, user));
  if (byUser) {
    // Already on the team under another login: a person has one login here; leave them as they are.
    out.already.push({ login, member: byUser });
    return;
  }
  const tz = validZone(person.tz);
  // `import:` marks who was filled in by an import (their `me` page says so until they change it).
  const added = await tenantSettings(ctx).addMember(
    { user, github: login, ...(tz ? { tz } : {}) },
    `${IMPORTED_BY}${actorKey(ctx.actor)}`,
  );
  if (!added.ok) {
    out.unmatched.push({ login, why: literal(added.error.message) });
    return;
  }
  roster.push(added.value.member);
  out.added.push(added.value.member);
}

/** `addedBy` of a member added by `team import`: `import:` and who ran it. */
export const IMPORTED_BY = "import:";

function notAvailable(ctx: CommandContext): Reply {
  const text =
    ctx.place.platform === "discord"
      ? "Team import matches GitHub accounts to Slack users by email; Discord does not give Foreman its members' emails, so add people here one by one."
      : "Team import cannot reach GitHub from this deployment, so add people one by one.";
  return reply(text, {
    tone: "warning",
    title: "Team import",
    sections: [{ text, lines: ["`/foreman team add @person github:login [--tz Europe/Berlin]`"] }],
  });
}

export async function teamImport(command: CommandOf<"team.import">, ctx: CommandContext): Promise<Reply> {
  const reads = ctx.directoryReads;
  if (!reads || ctx.place.platform !== "slack") return notAvailable(ctx);
  const [org = "", team = ""] = command.team.split("/");
  const source = code(`github:${command.team}`);
  let logins: string[];
  try {
    logins = await reads.teamMembers(org, team);
  } catch (err) {
    if (err instanceof TeamNotFoundError) {
      return problem(`GitHub team ${source} was not found.`, [
        "Check the organisation and the team's slug (as in its URL: github.com/orgs/<org>/teams/<team>), and that Foreman's GitHub access can see the organisation's teams.",
      ]);
    }
    if (err instanceof DirectoryReadError) {
      return problem(`GitHub did not give the members of ${source}: ${literal(err.message)}.`, [
        "Try again in a moment.",
      ]);
    }
    throw err;
  }
  const valid = [...new Set(logins.filter((l) => GITHUB_LOGIN.test(l)))];
  const read = valid.slice(0, MAX_IMPORT);
  const out: Outcome = { added: [], already: [], unmatched: [] };
  const roster = await tenantSettings(ctx).team();
  for (const login of read) {
    try {
      await importOne(login, reads, roster, ctx, out);
    } catch (err) {
      if (!(err instanceof DirectoryReadError)) throw err;
      out.unmatched.push({ login, why: `could not be read (${literal(errorMessage(err))})` });
    }
  }
  return importReply(command.team, valid.length, out, ctx);
}

function importReply(team: string, total: number, out: Outcome, ctx: CommandContext): Reply {
  const source = code(`github:${team}`);
  const text =
    total === 0
      ? `GitHub team ${source} has no members.`
      : `Imported ${source}: ${out.added.length} added, ${out.already.length} already on the team, ${out.unmatched.length} not matched.`;
  const sections: ReplySection[] = [{ text }];
  if (out.added.length) {
    sections.push({
      title: "Added",
      lines: capped(
        out.added.map((m) => `${who(m.user, ctx.place)} · ${code(m.github)} · ${literal(m.tz)}`),
        30,
      ),
    });
  }
  if (out.already.length) {
    sections.push({
      title: "Already on the team (left as they are)",
      lines: capped(
        out.already.map((a) => `${code(a.login)} · ${who(a.member.user, ctx.place)}`),
        30,
      ),
    });
  }
  // Import runs on Slack only (`teamImport`), where a button opens the team-add form.
  const buttons: ReplyButton[] = out.unmatched
    .slice(0, MAX_FORM_BUTTONS)
    .map((u) => ({ action: encodeAction("team.form", u.login), label: `Add ${literal(u.login)}…` }));
  if (out.unmatched.length) {
    sections.push({
      title: "Not matched",
      lines: [
        ...capped(
          out.unmatched.map((u) => `${code(u.login)} — ${u.why}`),
          30,
        ),
        "Add them with the buttons (the form has the GitHub login filled in), or `/foreman team add @person github:<login>`.",
      ],
    });
  }
  if (MAX_IMPORT < total) sections.push({ text: `Only the first ${MAX_IMPORT} members were read.` });
  return reply(text, {
    tone: out.added.length ? "success" : "info",
    title: "Team import",
    sections,
    buttons,
    footer: `Importing again adds only who is new. Zones come from Slack profiles; working hours default to Mon-Fri 09:00-17:00 (\`/foreman me hours\`). ${plural(out.added.length + out.already.length, "person", "people")} of ${source} on the team now.`,
  });
}

/** The `team.form` button outside Slack (Slack opens the form): the command to type. */
export function teamFormHint(login: string): Reply {
  const text = `Add ${code(login)}: \`/foreman team add @person github:${literal(login)}\``;
  return reply(text, { sections: [{ text }] });
}
