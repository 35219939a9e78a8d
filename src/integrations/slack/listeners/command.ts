/**
 * `/foreman …`: parse, run, answer. Done within the ack budget -> the reply is the HTTP response;
 * otherwise the response says "Working on it…" and the reply follows through the command's
 * response_url (queued after the ack, from `waitUntil`; keyed by trigger_id so it posts once).
 */
import type { App } from "@slack/bolt";
import { type Reply, reply } from "../../../chat/reply";
import { renderSlack } from "../../../chat/slack/render";
import { parseCommand } from "../../../commands/parse";
import { type Raced, withinBudget } from "../../../commands/respond";
import { errorMessage } from "../../../platform/errors";
import { commandContext, deliver, type ForemanContext, type RequestScope } from "../scope";
import { isBareTeamAdd, openTeamAddModal } from "./team-add";

export const COMMAND = "/foreman";
export const WORKING_TEXT = "Working on it…";

export function failureReply(scope: RequestScope): Reply {
  return reply("Something went wrong running that command.", {
    tone: "error",
    footer: `Please try again. Correlation id: \`${scope.correlationId}\``,
  });
}

export function registerCommand(app: App<ForemanContext>): void {
  app.command(COMMAND, async ({ command, ack, context, client }) => {
    const scope = context.foreman;
    const who = {
      teamId: command.team_id,
      userId: command.user_id,
      userName: command.user_name,
      channelId: command.channel_id,
    };
    const fields = { correlationId: scope.correlationId, team: command.team_id };
    // A signed request may still lack `text`: it reads as `/foreman` alone (the help).
    const text = typeof command.text === "string" ? command.text : "";

    if (isBareTeamAdd(text)) {
      try {
        const tenant = await scope.deps.resolveTenant(scope.env, "slack", command.team_id);
        const meta = { channelId: command.channel_id, responseUrl: command.response_url };
        const how = await openTeamAddModal(scope, client, { tenant, triggerId: command.trigger_id, meta });
        if (how === "opened") await ack();
        else
          await ack({
            response_type: "ephemeral",
            text: "Slack is in demo mode (no SLACK_BOT_TOKEN): the form was recorded in the outbox instead of opened. Add someone directly with `/foreman team add @user github-login`.",
          });
      } catch (err) {
        scope.log("error", "slack.modal_failed", { ...fields, error: errorMessage(err) });
        await ack(renderSlack(failureReply(scope)));
      }
      return;
    }

    let tenant: string | undefined;
    const work = (async () => {
      const ctx = await commandContext(scope, who, client);
      tenant = ctx.tenant;
      return scope.deps.runParsed(parseCommand(text), ctx);
    })();
    let raced: Raced<Reply>;
    try {
      raced = await withinBudget(work, scope.deps.budgetMs);
    } catch (err) {
      scope.log("error", "slack.command_failed", { ...fields, error: errorMessage(err) });
      await ack(renderSlack(failureReply(scope)));
      return;
    }
    if (raced.done) {
      await ack(renderSlack(raced.value));
      return;
    }

    await ack({ response_type: "ephemeral", text: WORKING_TEXT });
    const key = `slack:command:${command.team_id}:${command.trigger_id}`;
    let late: Reply;
    try {
      late = await raced.later;
    } catch (err) {
      scope.log("error", "slack.command_failed", { ...fields, late: true, error: errorMessage(err) });
      late = failureReply(scope);
    }
    const to = tenant ?? (await scope.deps.resolveTenant(scope.env, "slack", command.team_id));
    await deliver(scope, to, "response_url", { url: command.response_url, ...renderSlack(late) }, key);
  });
}
