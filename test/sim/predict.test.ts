/**
 * `foreman+predict`: the Review Manager with forecast-timed nudges, its models fitted from the run's
 * own history as in production. The same trace as `foreman`, every PR still reviewed and merged, the
 * nudges change what is sent, and the same seed gives the same run.
 */
import { describe, expect, it } from "vitest";
import { runForeman, scenario } from "./support";

describe("foreman+predict", () => {
  it("reviews and merges every PR, and sends what its nudges decide instead of fixed reminders", async () => {
    const s = scenario({ weeks: 4 });
    const fixed = await runForeman(s, false, "predict-fixed");
    const predict = await runForeman(s, { predict: true }, "predict-on");
    expect(predict.metrics.unreviewed).toBe(0);
    expect(predict.metrics.merged).toBe(fixed.metrics.merged);
    // The GitHub requests are the same decisions (assignment does not change); the DMs differ.
    expect(predict.metrics.messages.github).toBe(fixed.metrics.messages.github);
    expect(predict.metrics.messages.dm).not.toBe(fixed.metrics.messages.dm);
  });

  it("gives the same run for the same seed", async () => {
    const s = scenario({ weeks: 3 });
    const a = await runForeman(s, { predict: true }, "predict-a");
    const b = await runForeman(s, { predict: true }, "predict-b");
    expect(b.metrics).toEqual(a.metrics);
  });
});
