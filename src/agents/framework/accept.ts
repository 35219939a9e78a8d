/** Whether an agent takes a message: its status accepts messages and the payload fits the type. */
import { ConflictError, ValidationError } from "../../platform/errors";
import { acceptsMessages } from "../lifecycle";
import type { AgentMessage, AgentSnapshot } from "../model";
import { acceptedMessages, fieldIssues, messageSchema } from "../registry";

/** The message with its payload validated for `agent`, or the error that refuses it. */
export function acceptedMessage(agent: AgentSnapshot, message: AgentMessage): AgentMessage {
  if (!acceptsMessages(agent.status)) {
    throw new ConflictError(`Agent ${agent.agentId} is ${agent.status} and accepts no new messages`, {
      status: agent.status,
    });
  }
  const schema = messageSchema(agent.type, message.type);
  if (!schema) {
    throw new ValidationError([
      {
        field: "type",
        message: `unknown message type "${message.type}" for ${agent.type}; accepted: ${acceptedMessages(agent.type).join(", ")}`,
      },
    ]);
  }
  const parsed = schema.safeParse(message.payload);
  if (!parsed.success) throw fieldIssues(parsed.error, "payload");
  return { ...message, payload: parsed.data };
}
