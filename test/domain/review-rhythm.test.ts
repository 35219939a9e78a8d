import { describe, expect, it } from "vitest";
import { MIN_REVIEWS, suggestWindows } from "../../src/domain/review-rhythm";

const day = (d: number, h: number, m = 0) => Date.UTC(2030, 0, 7 + d, h, m);

describe("review rhythm", () => {
  it("says nothing from too few reviews", () => {
    expect(suggestWindows([day(0, 10)], "UTC")).toBeNull();
    expect(MIN_REVIEWS).toBeGreaterThan(1);
  });

  it("suggests windows half an hour before the times someone usually reviews, spread over the day", () => {
    const times = [0, 1, 2, 3, 4].flatMap((d) => [day(d, 10, 10), day(d, 14, 5), day(d, 16, 40)]);
    expect(suggestWindows(times, "UTC")).toEqual(["09:30", "13:30", "16:00"]);
  });

  it("reads the times in the person's zone", () => {
    const times = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => day(d, 9, 10)); // 10:10 in Berlin (UTC+1)
    expect(suggestWindows(times, "Europe/Berlin", 1)).toEqual(["09:30"]);
  });
});
