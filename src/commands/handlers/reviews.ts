/**
 * `review list|mine|assign`: the Review Manager arrives in a later issue. Until then these say so
 * plainly and show what is configured for reviews — they never pretend to track or assign.
 */
import type { CommandContext } from "../context";
import { type Reply, type ReplySection, reply } from "../reply";
import type { CommandOf } from "../types";
import { capped, channel, code, plural, who } from "./format";
import { tenantSettings } from "./shared";
import { ruleLine } from "./sla";

const NOT_YET =
  "Review tracking starts once a GitHub repo is linked and webhooks arrive — not available yet in this version.";

async function configured(ctx: CommandContext): Promise<ReplySection[]> {
  const store = tenantSettings(ctx);
  const [links, rules] = await Promise.all([store.links(), store.slaRules()]);
  const repos = links.filter((l) => l.kind === "github");
  return [
    {
      title: "Linked repositories",
      lines: repos.length
        ? capped(
            repos.map((l) => `${code(l.target)} — ${channel(l.channel, ctx.place)}`),
            15,
          )
        : ["None yet: `/foreman link github owner/repo`"],
    },
    { title: "Review SLA", lines: rules.map(ruleLine) },
  ];
}

export async function reviewList(_command: CommandOf<"review.list">, ctx: CommandContext): Promise<Reply> {
  return reply(NOT_YET, {
    tone: "warning",
    title: "Reviews",
    sections: [{ text: NOT_YET }, ...(await configured(ctx))],
  });
}

export async function reviewMine(_command: CommandOf<"review.mine">, ctx: CommandContext): Promise<Reply> {
  const me = await tenantSettings(ctx).member(ctx.actor);
  const you = me
    ? `You are on the team as ${code(me.github)}: reviews requested from ${me.github} will show here.`
    : "You are not on the team yet: `/foreman team add @you github:your-login` so reviews can be matched to you.";
  return reply(NOT_YET, {
    tone: "warning",
    title: "Your reviews",
    sections: [{ text: NOT_YET, lines: [you] }, ...(await configured(ctx))],
  });
}

export async function reviewAssign(command: CommandOf<"review.assign">, ctx: CommandContext): Promise<Reply> {
  const ref = `${command.pr.repo}#${command.pr.number}`;
  const store = tenantSettings(ctx);
  const [team, where] = await Promise.all([
    store.availability(ctx.now.toISOString()),
    store.linksForTarget("github", command.pr.repo),
  ]);
  const text = `Foreman cannot assign reviewers yet (not available in this version): nothing was assigned to ${code(ref)}.`;
  const out = team.filter((a) => a.ooo).length;
  const lines = [
    team.length
      ? `When it can, it will choose among ${plural(team.length, "team member")}${out ? `, skipping ${out} out of office today` : ""}.`
      : "No one is on the team yet: `/foreman team add @person github:login`.",
    where.length
      ? `${code(command.pr.repo.toLowerCase())} is linked in ${where.map((l) => channel(l.channel, ctx.place)).join(", ")}.`
      : `${code(command.pr.repo)} is not linked to any channel: \`/foreman link github ${command.pr.repo}\`.`,
  ];
  return reply(text, {
    tone: "warning",
    title: "Review assignment",
    sections: [{ text, lines }],
    footer: `Asked by ${who(ctx.actor, ctx.place)}.`,
  });
}
