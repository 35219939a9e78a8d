/**
 * Events API: `app_mention` (the /foreman grammar after the mention, answered in the thread),
 * `app_home_opened` (publishes the Home tab) and `dnd_updated_user` / `dnd_updated` (what is known of
 * a user's Do Not Disturb, ../dnd.ts). Bolt acknowledges events before listeners run.
 * Slack retries an event it thinks failed (X-Slack-Retry-Num); every post an event causes is keyed
 * `slack:event:{event_id}`, so a retry enqueues the same key and the Outbox ledger posts it once. A
 * retry whose key the ledger already knows is not run again at all.
 */
import type { App } from "@slack/bolt";
import { renderSlack } from "../../../chat/slack/render";
import type { CommandContext } from "../../../commands/context";
import { parseCommand } from "../../../commands/parse";
import { getDelivery } from "../../../delivery/api";
import { errorMessage } from "../../../platform/errors";
import { noteDndUpdated } from "../dnd";
import { homeView } from "../home";
import {
  commandContext,
  deliver,
  type ForemanContext,
  type RequestScope,
  type WebClient,
  type Who,
} from "../scope";

export const eventKey = (eventId: string) => `slack:event:${eventId}`;

/** The command text of a mention: what follows the bot's mention (or the first mention). */
export function mentionText(text: string, botUserId?: string): string {
  const bot = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`).exec(text) : null;
  const mention = bot ?? /<@[UW][A-Z0-9]+(?:\|[^>]*)?>/.exec(text);
  if (!mention) return text.trim();
  return text.slice((mention.index ?? 0) + mention[0].length).trim();
}

/** A retry (X-Slack-Retry-Num) of an event whose post the Outbox ledger already holds. */
async function seenBefore(
  scope: RequestScope,
  tenant: string,
  key: string,
  retryNum?: number,
): Promise<boolean> {
  if (!retryNum) return false;
  const known = await getDelivery(scope.env, tenant, key).catch(() => null);
  if (known)
    scope.log("info", "slack.event_duplicate", { correlationId: scope.correlationId, key, retryNum });
  return known !== null;
}

interface SlackEvent {
  eventId: string;
  who: Who;
  client: WebClient;
  retryNum?: number;
  /** Log event name when handling fails. */
  failure: string;
}

/**
 * Runs `handle` with the user's CommandContext and the event's delivery key, unless the event is a
 * retry already delivered; a failure is logged, never thrown (Bolt has acknowledged already).
 */
async function handleEvent(
  scope: RequestScope,
  event: SlackEvent,
  handle: (ctx: CommandContext, key: string) => Promise<void>,
): Promise<void> {
  const key = eventKey(event.eventId);
  try {
    const ctx = await commandContext(scope, event.who, event.client);
    if (await seenBefore(scope, ctx.tenant, key, event.retryNum)) return;
    await handle(ctx, key);
  } catch (err) {
    scope.log("error", event.failure, { correlationId: scope.correlationId, key, error: errorMessage(err) });
  }
}

export function registerEvents(app: App<ForemanContext>): void {
  app.event("app_mention", async ({ event, body, context, client }) => {
    const scope = context.foreman;
    if (!event.user) return;
    const who = { teamId: body.team_id, userId: event.user, channelId: event.channel };
    const slackEvent = {
      eventId: body.event_id,
      who,
      client,
      retryNum: context.retryNum,
      failure: "slack.mention_failed",
    };
    await handleEvent(scope, slackEvent, async (ctx, key) => {
      const bot = body.authorizations?.find((a) => a.is_bot)?.user_id ?? context.botUserId;
      const text = mentionText(event.text, bot);
      const {
        response_type: _r,
        replace_original: _o,
        ...message
      } = renderSlack(await scope.deps.runParsed(parseCommand(text), ctx));
      const thread = event.thread_ts ?? event.ts;
      await deliver(
        scope,
        ctx.tenant,
        "chat.postMessage",
        { channel: event.channel, thread_ts: thread, ...message },
        key,
      );
    });
  });

  app.event("app_home_opened", async ({ event, body, context, client }) => {
    const scope = context.foreman;
    if (event.tab !== "home" || typeof event.user !== "string") return;
    const who = { teamId: body.team_id, userId: event.user, channelId: event.channel };
    const slackEvent = {
      eventId: body.event_id,
      who,
      client,
      retryNum: context.retryNum,
      failure: "slack.home_failed",
    };
    await handleEvent(scope, slackEvent, async (ctx, key) => {
      const view = await homeView(ctx, scope.log);
      await deliver(scope, ctx.tenant, "views.publish", { user_id: event.user, view }, key);
    });
  });

  // Held DMs (DeliveryRequest.holdWhileDnd) see a changed Do Not Disturb at once: no I/O, no tenant.
  app.event("dnd_updated_user", async ({ event }) => noteDndUpdated(event.user, event.dnd_status));
  app.event("dnd_updated", async ({ event }) => noteDndUpdated(event.user, event.dnd_status));
}
