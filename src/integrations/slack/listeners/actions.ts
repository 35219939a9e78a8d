/**
 * Buttons (`action_id` = an encoded action, `fm1:…`): acknowledged at once, then the action runs and
 * the clicked message is updated in place: through the interaction's response_url with
 * `replace_original: true`, or `chat.update` when there is no response_url (and the reply replaces).
 * A click on the Home tab publishes the tab again, with the click's answer on top.
 */
import type { App, BlockAction } from "@slack/bolt";
import { decodeAction } from "../../../chat/actions";
import type { Reply } from "../../../chat/reply";
import { renderSlack, type SlackMessage } from "../../../chat/slack/render";
import type { CommandContext } from "../../../commands/context";
import { errorMessage } from "../../../platform/errors";
import { publishHomeAfterClick } from "../home";
import { commandContext, deliver, type ForemanContext } from "../scope";
import { failureReply } from "./command";
import { openTeamAddModal } from "./team-add";

export const ACTION_PATTERN = /^fm1:/;
/** Link buttons (`fmlink:…`) open a page; Slack still reports the click, which is only acknowledged. */
export const LINK_PATTERN = /^fmlink:/;

/** The action a click runs: a button's id, or the chosen option of a select menu (its value). */
export function clickedAction(action: BlockAction["actions"][number]): string {
  if (action.type === "static_select") return action.selected_option?.value ?? action.action_id;
  return action.action_id;
}

/**
 * What a click answers: a reply with `replaceOriginal` (success: the updated card or list) replaces
 * the clicked message; any other reply (a refusal, an expired button) is a new private message
 * that leaves the clicked one alone.
 */
export function actionMessage(reply: Reply): SlackMessage {
  const message = renderSlack(reply);
  if (!reply.replaceOriginal) return { ...message, response_type: "ephemeral", replace_original: false };
  const { response_type: _dropped, ...rest } = message;
  return { ...rest, replace_original: true };
}

export function registerActions(app: App<ForemanContext>): void {
  app.action<BlockAction>(LINK_PATTERN, async ({ ack }) => {
    await ack();
  });
  app.action<BlockAction>(ACTION_PATTERN, async ({ ack, body, action, context, client }) => {
    await ack();
    const scope = context.foreman;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const container = body.container;
    const channelId =
      body.channel?.id ?? (typeof container.channel_id === "string" ? container.channel_id : "");
    const key = `slack:action:${teamId}:${body.trigger_id || action.action_ts}`;
    const fields = { correlationId: scope.correlationId, team: teamId, action: action.action_id };
    const actionId = clickedAction(action);
    const decoded = decodeAction(actionId);
    if (decoded?.verb === "team.form") {
      // `team import`'s "Add …" button: the team-add form with the GitHub login filled in.
      try {
        const tenant = await scope.deps.resolveTenant(scope.env, "slack", teamId);
        const meta = { channelId, ...(body.response_url ? { responseUrl: body.response_url } : {}) };
        await openTeamAddModal(scope, client, {
          tenant,
          triggerId: body.trigger_id,
          meta,
          github: decoded.arg,
        });
      } catch (err) {
        scope.log("error", "slack.modal_failed", { ...fields, error: errorMessage(err) });
      }
      return;
    }
    let tenant: string | undefined;
    let message: SlackMessage;
    let home: { ctx: CommandContext; answer: Reply } | null = null;
    try {
      const ctx = await commandContext(
        scope,
        { teamId, userId: body.user.id, userName: body.user.username ?? body.user.name, channelId },
        client,
      );
      tenant = ctx.tenant;
      const answer = await scope.deps.runAction(actionId, ctx);
      if (body.view?.type === "home") home = { ctx, answer };
      message = actionMessage(answer);
    } catch (err) {
      scope.log("error", "slack.action_failed", { ...fields, error: errorMessage(err) });
      message = { ...renderSlack(failureReply(scope)), replace_original: false };
    }
    tenant ??= await scope.deps.resolveTenant(scope.env, "slack", teamId);
    const ts =
      body.message?.ts ?? (typeof container.message_ts === "string" ? container.message_ts : undefined);
    if (home) {
      // A click on the Home tab: the tab is drawn again, with what the click did on top.
      await publishHomeAfterClick(scope, home.ctx, home.answer, key);
    } else if (body.response_url) {
      await deliver(scope, tenant, "response_url", { url: body.response_url, ...message }, key);
    } else if (channelId && ts && message.replace_original) {
      await deliver(
        scope,
        tenant,
        "chat.update",
        { channel: channelId, ts, text: message.text, blocks: message.blocks },
        key,
      );
    } else {
      scope.log("warn", "slack.action_unanswerable", fields);
    }
  });
}
