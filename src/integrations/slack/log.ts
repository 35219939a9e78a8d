/**
 * One JSON line per event (the structured logger of src/observability), plus an adapter that gives
 * Bolt the same output through its Logger interface.
 */
import type { Logger, LogLevel } from "@slack/bolt";
import { enabled, type Level, minimumLevel } from "../../observability/levels";
import { logger } from "../../observability/logger";
import { errorMessage } from "../../platform/errors";

export type SlackLog = (level: Level, event: string, fields?: Record<string, unknown>) => void;

const slackLog = logger("slack");

export function createSlackLog(minimum: string | undefined): SlackLog {
  const floor = minimumLevel(minimum);
  return (level, event, fields = {}) => {
    if (enabled(level, floor)) slackLog.log(level, event, fields);
  };
}

/** Bolt's Logger on top of SlackLog; Bolt's own debug chatter is dropped unless LOG_LEVEL=debug. */
export function boltLogger(minimum: string | undefined): Logger {
  const log = createSlackLog(minimum);
  let level = minimumLevel(minimum) as LogLevel;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? m : errorMessage(m))).join(" ");
  return {
    debug: (...msg: unknown[]) => log("debug", "bolt", { message: text(msg) }),
    info: (...msg: unknown[]) => log("info", "bolt", { message: text(msg) }),
    warn: (...msg: unknown[]) => log("warn", "bolt", { message: text(msg) }),
    error: (...msg: unknown[]) => log("error", "bolt", { message: text(msg) }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
