/** Errors of the directory reads `team import` is given (./context.ts `DirectoryReads`). */
import { AppError } from "../platform/errors";

/** The GitHub team does not exist, or the token cannot see it (GitHub answers 404 for both). */
export class TeamNotFoundError extends AppError {
  constructor(
    readonly org: string,
    readonly team: string,
  ) {
    super(404, "not_found", `GitHub team ${org}/${team} not found`);
    this.name = "TeamNotFoundError";
  }
}

/** A read failed (GitHub or the chat platform said no, or did not answer). */
export class DirectoryReadError extends AppError {
  constructor(
    readonly source: "github" | "slack" | "discord",
    message: string,
  ) {
    super(502, "unavailable", message);
    this.name = "DirectoryReadError";
  }
}
