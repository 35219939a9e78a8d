/**
 * `/foreman team add` with no arguments opens a form (modal); submitting it runs `team add`.
 * `views.open` needs the command's trigger_id within 3 s, so with a bot token it is called directly
 * (Bolt's WebClient); without one (demo mode) it is queued like every other post and lands in the
 * outbox. The result is posted through the command's response_url, kept in the view's metadata.
 */
import type { App, ViewSubmitAction } from "@slack/bolt";
import type { ModalView } from "../../../chat/slack/blocks";
import { plain } from "../../../chat/slack/blocks";
import { renderSlack } from "../../../chat/slack/render";
import { parseCommand } from "../../../commands/parse";
import { errorMessage } from "../../../platform/errors";
import { commandContext, deliver, type ForemanContext, type RequestScope, type WebClient } from "../scope";

export const TEAM_ADD_CALLBACK = "fm_team_add";

interface Meta {
  channelId: string;
  responseUrl?: string;
}

/** True for `team add` (optionally after the word `foreman`) with nothing else. */
export function isBareTeamAdd(text: string): boolean {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words[0] === "foreman") words.shift();
  return words.length === 2 && words[0] === "team" && words[1] === "add";
}

/** The form; `github`: the login filled in (a `team import` button for someone it could not match). */
export function teamAddModal(meta: Meta, github?: string): ModalView {
  return {
    type: "modal",
    callback_id: TEAM_ADD_CALLBACK,
    title: plain("Add a team member", 24),
    submit: plain("Add", 24),
    close: plain("Cancel", 24),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: "input",
        block_id: "user",
        label: plain("Person"),
        element: { type: "users_select", action_id: "value", placeholder: plain("Pick someone") },
      },
      {
        type: "input",
        block_id: "github",
        label: plain("GitHub login"),
        element: {
          type: "plain_text_input",
          action_id: "value",
          placeholder: plain("octocat"),
          max_length: 39,
          ...(github ? { initial_value: github } : {}),
        },
      },
      {
        type: "input",
        block_id: "tz",
        optional: true,
        label: plain("Time zone"),
        hint: plain("IANA zone, e.g. Europe/Berlin. Default: UTC."),
        element: { type: "plain_text_input", action_id: "value", placeholder: plain("Europe/Berlin") },
      },
      {
        type: "input",
        block_id: "lead",
        optional: true,
        label: plain("Role"),
        element: {
          type: "checkboxes",
          action_id: "value",
          options: [{ text: plain("Team lead (gets escalations)"), value: "lead" }],
        },
      },
    ],
  };
}

/** Opens the form: directly with a bot token, else queued (demo mode: recorded in the outbox). */
export async function openTeamAddModal(
  scope: RequestScope,
  client: WebClient,
  args: { tenant: string; triggerId: string; meta: Meta; github?: string },
): Promise<"opened" | "queued"> {
  const view = teamAddModal(args.meta, args.github);
  if (client.token) {
    await client.apiCall("views.open", { trigger_id: args.triggerId, view });
    return "opened";
  }
  const key = `slack:views.open:${args.triggerId}`;
  await deliver(scope, args.tenant, "views.open", { trigger_id: args.triggerId, view }, key);
  return "queued";
}

const quote = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

export function registerTeamAddView(app: App<ForemanContext>): void {
  app.view<ViewSubmitAction>(TEAM_ADD_CALLBACK, async ({ ack, body, view, context, client }) => {
    const scope = context.foreman;
    const values = view.state.values;
    const user = values.user?.value?.selected_user ?? "";
    const github = values.github?.value?.value?.trim() ?? "";
    const tz = values.tz?.value?.value?.trim();
    const lead = (values.lead?.value?.selected_options ?? []).some((o) => o.value === "lead");
    const text = `team add <@${user}> ${quote(github)}${tz ? ` --tz ${quote(tz)}` : ""}${lead ? " --lead" : ""}`;
    const parsed = parseCommand(text);
    if (!parsed.ok) {
      const block = /zone/i.test(parsed.error)
        ? "tz"
        : /user|mention|person/i.test(parsed.error)
          ? "user"
          : "github";
      await ack({ response_action: "errors", errors: { [block]: parsed.error.slice(0, 150) } });
      return;
    }
    await ack();
    const meta = readMeta(view.private_metadata);
    const teamId = body.team?.id ?? body.user.team_id ?? view.team_id;
    try {
      const ctx = await commandContext(
        scope,
        { teamId, userId: body.user.id, userName: body.user.name, channelId: meta.channelId },
        client,
      );
      const reply = await scope.deps.runParsed(parsed, ctx);
      const message = renderSlack(reply);
      const key = `slack:view:${view.id}`;
      if (meta.responseUrl)
        await deliver(scope, ctx.tenant, "response_url", { url: meta.responseUrl, ...message }, key);
      else if (meta.channelId) {
        await deliver(
          scope,
          ctx.tenant,
          "chat.postEphemeral",
          { channel: meta.channelId, user: body.user.id, ...message },
          key,
        );
      }
    } catch (err) {
      scope.log("error", "slack.team_add_failed", {
        correlationId: scope.correlationId,
        error: errorMessage(err),
      });
    }
  });
}

function readMeta(raw: string): Meta {
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object") {
      const { channelId, responseUrl } = value as Record<string, unknown>;
      return {
        channelId: typeof channelId === "string" ? channelId : "",
        ...(typeof responseUrl === "string" ? { responseUrl } : {}),
      };
    }
  } catch {
    // fall through
  }
  return { channelId: "" };
}
