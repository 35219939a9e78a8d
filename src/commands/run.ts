/**
 * Runs a parsed command or a button action for a chat user and returns a platform-neutral Reply.
 * Handlers live in ./handlers, one small file per area; this file dispatches, checks rights
 * (./permissions.ts) and turns failures into replies: adapters always get a Reply, never a throw.
 * Command lines in the reply are given in the asker's platform's syntax (./syntax.ts).
 */
import { decodeAction, isReviewAction } from "../chat/actions";
import { literal } from "../chat/markup";
import { type Reply, reply } from "../chat/reply";
import { actionCommand, viewCommand } from "./buttons";
import type { CommandContext } from "./context";
import { agentList, agentPause, agentResume, agentSpawn, agentTerminate } from "./handlers/agents";
import { back, ooo } from "./handlers/availability";
import { dashboard } from "./handlers/dashboard";
import { digestFilter, digestNow, digestOff, digestRefresh, digestSchedule } from "./handlers/digest";
import { help } from "./handlers/help";
import { insights } from "./handlers/insights";
import { linkGithub, linkLinear, links, unlinkGithub, unlinkLinear } from "./handlers/links";
import { meFocus, meHoliday, meNotify, meShow } from "./handlers/me";
import { meHours, meZone } from "./handlers/me-hours";
import { linkOps, unlinkOps } from "./handlers/ops";
import { policyExplain, policyList, policyPromote } from "./handlers/policy";
import { reviewAction, reviewAssign, reviewList, reviewMine } from "./handlers/reviews";
import { setup } from "./handlers/setup";
import { errorReply } from "./handlers/shared";
import { slaSet, slaShow } from "./handlers/sla";
import { status } from "./handlers/status";
import { teamAdd, teamList, teamRemove } from "./handlers/team";
import { teamFormHint, teamImport } from "./handlers/team-import";
import { settingsNotifyDefault, teamHoliday } from "./handlers/team-notify";
import { workflowCreate, workflowList, workflowTerminate } from "./handlers/workflows";
import { authorize, FIRST_RUN_NOTE } from "./permissions";
import { forPlatform } from "./syntax";
import type { Command, CommandName, CommandOf, ParseResult } from "./types";

export type Handler<N extends CommandName> = (command: CommandOf<N>, ctx: CommandContext) => Promise<Reply>;
export type HandlerTable = { [N in CommandName]: Handler<N> };

const HANDLERS: HandlerTable = {
  help,
  status,
  setup,
  dashboard,
  "workflow.create": workflowCreate,
  "workflow.list": workflowList,
  "workflow.terminate": workflowTerminate,
  "agent.spawn": agentSpawn,
  "agent.list": agentList,
  "agent.pause": agentPause,
  "agent.resume": agentResume,
  "agent.terminate": agentTerminate,
  "team.add": teamAdd,
  "team.remove": teamRemove,
  "team.list": teamList,
  "team.import": teamImport,
  "team.holiday": teamHoliday,
  "me.show": meShow,
  "me.notify": meNotify,
  "me.focus": meFocus,
  "me.holiday": meHoliday,
  "me.hours": meHours,
  "me.zone": meZone,
  "settings.notify-default": settingsNotifyDefault,
  ooo,
  back,
  "link.github": linkGithub,
  "link.linear": linkLinear,
  "unlink.github": unlinkGithub,
  "unlink.linear": unlinkLinear,
  "link.ops": linkOps,
  "unlink.ops": unlinkOps,
  links,
  "review.list": reviewList,
  "review.mine": reviewMine,
  "review.assign": reviewAssign,
  insights,
  "policy.list": policyList,
  "policy.explain": policyExplain,
  "policy.promote": policyPromote,
  "sla.set": slaSet,
  "sla.show": slaShow,
  "digest.now": digestNow,
  "digest.schedule": digestSchedule,
  "digest.off": digestOff,
  "digest.filter": digestFilter,
};

/** A command's reply, and whether it did what was asked (refusals and failures did not). */
async function execute(command: Command, ctx: CommandContext): Promise<{ reply: Reply; ok: boolean }> {
  const handler = HANDLERS[command.name] as Handler<typeof command.name>;
  try {
    const access = await authorize(command, ctx);
    if (!access.allowed) return { reply: access.reply, ok: false };
    const answer = await handler(command as never, ctx);
    const ok = answer.tone !== "error";
    if (access.via !== "first-run" || !ok) return { reply: answer, ok };
    const footer = answer.footer ? `${answer.footer}\n${FIRST_RUN_NOTE}` : FIRST_RUN_NOTE;
    return { reply: { ...answer, footer }, ok };
  } catch (err) {
    return { reply: errorReply(err, ctx), ok: false };
  }
}

export async function runCommand(command: Command, ctx: CommandContext): Promise<Reply> {
  return forPlatform((await execute(command, ctx)).reply, ctx.place.platform);
}

/** A parse failure becomes a short, specific answer with the right form; never an error page. */
export async function runParsed(result: ParseResult, ctx: CommandContext): Promise<Reply> {
  if (result.ok) return runCommand(result.command, ctx);
  return forPlatform(parseFailure(result), ctx.place.platform);
}

function parseFailure(result: Extract<ParseResult, { ok: false }>): Reply {
  // The error echoes what was typed: outside text. The usage and the suggestion come from the grammar.
  const error = literal(result.error);
  const lines = [`Usage: \`${result.usage}\``];
  if (result.suggestion) lines.push(`Did you mean \`${result.suggestion}\`?`);
  return reply(error, {
    tone: "warning",
    sections: [{ text: error, lines }],
    footer: "`/foreman help` lists every command.",
  });
}

/**
 * A button click (`fm1:…` id from src/chat/actions.ts): the same rights and handling as the
 * command it stands for. Success replaces the clicked message with the updated card or list
 * (`replaceOriginal`); a refusal or failure is a private answer that leaves the message alone.
 */
export async function runAction(actionId: string, ctx: CommandContext): Promise<Reply> {
  return forPlatform(await act(actionId, ctx), ctx.place.platform);
}

async function act(actionId: string, ctx: CommandContext): Promise<Reply> {
  const action = decodeAction(actionId);
  if (!action) {
    return reply("That button is no longer valid. Run the command again for a fresh message.", {
      tone: "warning",
    });
  }
  // Review card buttons go to the tenant's Review Manager (rights are checked there).
  if (isReviewAction(action)) return reviewAction(action, ctx);
  // The digest's Refresh redraws it in place: `digest now` without posting a second message.
  if (action.verb === "digest.refresh") return refreshDigest(ctx);
  // The Slack adapter opens the team-add form itself; anywhere else the click says what to type.
  if (action.verb === "team.form") return teamFormHint(action.arg);
  const done = await execute(actionCommand(action), ctx);
  if (!done.ok) return { ...done.reply, ephemeral: true, replaceOriginal: false };
  const redraw = viewCommand(action);
  if (!redraw) return { ...done.reply, replaceOriginal: true };
  const list = await execute(redraw, ctx);
  if (!list.ok) return { ...done.reply, replaceOriginal: true };
  const sections = [{ text: done.reply.text }, ...list.reply.sections];
  return { ...list.reply, text: done.reply.text, sections, replaceOriginal: true };
}

async function refreshDigest(ctx: CommandContext): Promise<Reply> {
  const privately = (r: Reply): Reply => ({ ...r, ephemeral: true, replaceOriginal: false });
  try {
    const access = await authorize({ name: "digest.now" }, ctx);
    if (!access.allowed) return privately(access.reply);
    const answer = await digestRefresh(ctx);
    return answer.replaceOriginal ? answer : privately(answer);
  } catch (err) {
    return privately(errorReply(err, ctx));
  }
}
