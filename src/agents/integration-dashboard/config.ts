/** Config keys of the Integration Dashboard (beyond the base agent config). */
import { z } from "zod";

export const integrationDashboardConfigShape = {
  /** A digest with nothing waiting: posted as one line, or skipped. */
  emptyDigest: z.enum(["post", "skip"]).default("post"),
};
