/** `status [workflow-id]`: one workflow with its agents, or the tenant overview. */
import { AGENT_STATUSES } from "../../agents/model";
import { encodeAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import type { OooEntry } from "../../settings/model";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { workflowCard, workflowLine } from "./cards";
import { code, describeSchedule, readerTime, who } from "./format";
import { channelOf, need, readerZone, tenantCoordinator, tenantSettings } from "./shared";
import { noWorkflow } from "./workflows";

export async function status(command: CommandOf<"status">, ctx: CommandContext): Promise<Reply> {
  return command.workflowId ? workflowStatus(command.workflowId, ctx) : overview(ctx);
}

async function workflowStatus(workflowId: string, ctx: CommandContext): Promise<Reply> {
  const coordinator = tenantCoordinator(ctx);
  const workflow = need(await coordinator.getWorkflow(workflowId), noWorkflow(workflowId));
  const agents = need(await coordinator.listAgents({ workflowId }));
  const text = `Workflow **${literal(workflow.name)}** (${code(workflowId)}): ${workflow.status}, ${workflow.priority} priority, ${plural(agents.length, "agent")}.`;
  const footer = `As of ${readerTime(ctx.now, await readerZone(ctx))}`;
  return reply(text, { ...workflowCard(workflow, agents, text), footer });
}

/** Back soonest first, "until back" last; then by user id (a stable order, whenever they joined). */
const byReturn = (a: OooEntry, b: OooEntry): number =>
  (a.until ?? "9999-99-99").localeCompare(b.until ?? "9999-99-99") || a.user.id.localeCompare(b.user.id);

/** `@bob (until 2026-12-24)`, `@carl (until back)`: who is out today, by name, back soonest first. */
function outLine(out: readonly OooEntry[], ctx: CommandContext): string {
  if (out.length === 0) return "Nobody is out of office today.";
  const names = [...out]
    .sort(byReturn)
    .map((o) => `${who(o.user, ctx.place)} (${o.until ? `until ${o.until}` : "until back"})`);
  return `Out of office today: ${capped(names, 10, (n) => `and ${n} more`).join(", ")}`;
}

/** Leaving soonest first; then by user id. */
const byStart = (a: OooEntry, b: OooEntry): number =>
  (a.from ?? "").localeCompare(b.from ?? "") || a.user.id.localeCompare(b.user.id);

/** `@dan (from 2027-01-11 until 2027-01-15)`: planned absences that start after today, leaving soonest first. */
function laterLine(later: readonly OooEntry[], ctx: CommandContext): string {
  const names = [...later]
    .sort(byStart)
    .map((o) => `${who(o.user, ctx.place)} (from ${o.from} ${o.until ? `until ${o.until}` : "until back"})`);
  return `Out of office later: ${capped(names, 10, (n) => `and ${n} more`).join(", ")}`;
}

async function overview(ctx: CommandContext): Promise<Reply> {
  const coordinator = tenantCoordinator(ctx);
  const [workflows, agents, summary, zone] = await Promise.all([
    coordinator.listWorkflows({ status: "active" }).then((o) => need(o)),
    coordinator.listAgents().then((o) => need(o)),
    tenantSettings(ctx).summary(channelOf(ctx), ctx.now.toISOString()),
    readerZone(ctx),
  ]);
  const byStatus = AGENT_STATUSES.map((s) => `${agents.filter((a) => a.status === s).length} ${s}`).join(
    ", ",
  );
  const text = `${plural(workflows.length, "active workflow")}, ${plural(agents.length, "agent")}, ${plural(summary.teamSize, "team member")}.`;
  const team = summary.teamSize
    ? [
        `${plural(summary.teamSize, "member")}, ${summary.outToday.length} out of office today`,
        outLine(summary.outToday, ctx),
        ...(summary.outLater.length ? [laterLine(summary.outLater, ctx)] : []),
        summary.leads.length
          ? `Leads: ${summary.leads.map((l) => who(l, ctx.place)).join(", ")}`
          : "No lead yet: `/foreman team add @person github:login --lead`",
      ]
    : ["No one on the team yet: `/foreman team add @person github:login`"];
  const links = summary.channelLinks.length
    ? summary.channelLinks.map((l) => `${l.kind === "github" ? "GitHub" : "Linear"} ${code(l.target)}`)
    : ["Nothing linked here: `/foreman link github owner/repo` or `/foreman link linear TEAM`"];
  const others = summary.totalLinks - summary.channelLinks.length;
  return reply(text, {
    title: "Foreman status",
    sections: [
      {
        title: "Workflows",
        lines: workflows.length ? capped(workflows.map(workflowLine), 10) : ["No active workflows."],
      },
      { title: "Agents", text: agents.length ? byStatus : "No agents yet." },
      { title: "Team", lines: team },
      {
        title: "This channel",
        lines: [
          ...links,
          ...(others > 0 ? [`${plural(others, "more link")} in other channels (\`/foreman links\`)`] : []),
          summary.digest
            ? `Digest: ${describeSchedule(summary.digest, ctx.now)}`
            : "No digest scheduled: `/foreman digest schedule 09:30`",
        ],
      },
      {
        title: "Reviews",
        text: "`/foreman review list` shows the pull requests waiting for review with their SLA state; `/foreman review mine` your own queue.",
      },
    ],
    buttons: [{ action: encodeAction("status.refresh", ""), label: "Refresh" }],
    footer: `As of ${readerTime(ctx.now, zone)}`,
  });
}
