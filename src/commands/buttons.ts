/** A button's command: what a chat button runs and redraws is a typed command, with its rights. */
import { type Action, argWindows, type CommandAction } from "../chat/actions";
import type { Command } from "./types";

/** The command a button runs: rights and handling are exactly those of the typed command. */
export function actionCommand(action: CommandAction): Command {
  switch (action.verb) {
    case "agent.pause":
    case "agent.resume":
    case "agent.terminate":
      return { name: action.verb, agentId: action.arg };
    case "workflow.terminate":
      return { name: "workflow.terminate", workflowId: action.arg };
    case "status.refresh":
      return action.arg ? { name: "status", workflowId: action.arg } : { name: "status" };
    case "digest.refresh":
      return { name: "digest.now" };
    case "policy.promote":
      return { name: "policy.promote", experimentId: action.arg };
    case "me.windows":
      return { name: "me.notify", mode: "batched", windows: argWindows(action.arg) };
    case "link.github":
      return { name: "link.github", repo: action.arg };
  }
}

/** The command that redraws the message a button sat on, after the action ran. */
export function viewCommand(action: Action): Command | null {
  if (action.view !== "list") return null;
  return action.verb.startsWith("agent.") ? { name: "agent.list" } : { name: "workflow.list" };
}
