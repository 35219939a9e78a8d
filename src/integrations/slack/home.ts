/**
 * The App Home tab: the person's settings and how messages reach them, what is held for them, their
 * review queue with each pull request's buttons, and the workspace's channel links (gathered by
 * `homePage`, src/commands/home.ts). Each part is a neutral Reply rendered with the message
 * renderer; together they stay within the App Home limit of 100 blocks.
 */

import { type Reply, reply } from "../../chat/reply";
import { type Block, type HomeView, LIMITS, mrkdwn } from "../../chat/slack/blocks";
import { renderBlocks } from "../../chat/slack/render";
import type { CommandContext } from "../../commands/context";
import { setupChecklist } from "../../commands/handlers/setup";
import { homePage } from "../../commands/home";
import type { SlackLog } from "./log";
import { deliver, type RequestScope } from "./scope";

/** The most the setup checklist may take of the Home tab's 100 blocks. */
const SETUP_BLOCKS = 30;

const logTo = (ctx: CommandContext, log: SlackLog) => (event: string, error: string) =>
  log("warn", event, { correlationId: ctx.correlationId, error });

/**
 * The Home view. `notice`: the answer to a button clicked on the Home tab, shown on top (a click
 * there has no message to replace or answer in).
 */
export async function homeView(ctx: CommandContext, log: SlackLog, notice?: Reply): Promise<HomeView> {
  const page = await homePage(ctx, logTo(ctx, log));
  // Until every setup step is done (the checklist's tone is then "success"), it leads the Home tab.
  const setup = await setupChecklist(ctx).catch(() => null);
  const steps = setup && setup.tone !== "success" ? renderBlocks(setup, SETUP_BLOCKS) : [];
  const head = [...steps, ...renderBlocks(page.head, LIMITS.homeBlocks - steps.length)];
  const tail = renderBlocks(page.tail, LIMITS.homeBlocks);
  const top = notice ? renderBlocks(reply(notice.text, notice.tone ? { tone: notice.tone } : {}), 3) : [];
  let room = LIMITS.homeBlocks - top.length - head.length - tail.length;
  const queue: Block[] = [];
  for (const part of page.queue) {
    const blocks = renderBlocks(part, LIMITS.homeBlocks);
    // Keep one block for the note that the rest is left out.
    if (blocks.length > room - 1) {
      queue.push({
        type: "context",
        elements: [mrkdwn("…and more: `/foreman review mine` lists them all.")],
      });
      break;
    }
    queue.push(...blocks);
    room -= blocks.length;
  }
  return { type: "home", blocks: [...top, ...head, ...queue, ...tail] };
}

/** The head of the Home tab (settings, messages, what is held) as one Reply. */
export async function homeReply(ctx: CommandContext, log: SlackLog): Promise<Reply> {
  return (await homePage(ctx, logTo(ctx, log))).head;
}

/**
 * A button clicked on the Home tab (a review's Start review, Reassign, Snooze 2h): the click has no
 * message to replace, so the Home view is published again, with the answer on top. Meant for the
 * action listener (./listeners/actions.ts) when the click came from the Home view
 * (`body.view?.type === "home"`), keyed like the click so a retry publishes once.
 */
export async function publishHomeAfterClick(
  scope: RequestScope,
  ctx: CommandContext,
  answer: Reply,
  key: string,
): Promise<void> {
  const view = await homeView(ctx, scope.log, answer);
  await deliver(scope, ctx.tenant, "views.publish", { user_id: ctx.actor.id, view }, key);
}
