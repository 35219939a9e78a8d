/**
 * A Slack user's Do Not Disturb (src/integrations/slack/dnd.ts): reading Slack's status, `dnd.info`
 * behind a 60 s cache, and the `dnd_updated_user` event that replaces what is known at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type DndStatus,
  dndEndOf,
  dndUntil,
  noteDndUpdated,
  parseDndStatus,
} from "../../../src/integrations/slack/dnd";
import { defaultFetch } from "../../../src/platform/http-client";
import { fakeApi } from "../../helpers/fake-api";
import { send, signedRequest, testEnv } from "./support";

const T = Date.UTC(2026, 0, 5, 22, 0, 0);
const HOUR = 3_600_000;
const deps = { fetch: defaultFetch, now: () => T };
const dndWindow = (startMs: number, endMs: number, dndEnabled = true): DndStatus => ({
  dndEnabled,
  nextStartMs: startMs,
  nextEndMs: endMs,
  snoozeEndMs: null,
});

describe("Slack Do Not Disturb", () => {
  it("tells when the DND under way ends (scheduled window or snooze), else null", () => {
    expect(dndEndOf(dndWindow(T - HOUR, T + HOUR), T)).toBe(T + HOUR);
    expect(dndEndOf(dndWindow(T + HOUR, T + 2 * HOUR), T)).toBeNull();
    expect(dndEndOf(dndWindow(T - 2 * HOUR, T - HOUR), T)).toBeNull();
    expect(dndEndOf(dndWindow(T - HOUR, T + HOUR, false), T)).toBeNull();
    // The next start is already tomorrow's while tonight's window is still under way.
    expect(dndEndOf(dndWindow(T + 20 * HOUR, T + HOUR), T)).toBe(T + HOUR);
    // A snooze, alone or running past the window.
    expect(dndEndOf({ ...dndWindow(T + HOUR, T + 2 * HOUR), snoozeEndMs: T + 30_000 }, T)).toBe(T + 30_000);
    expect(dndEndOf({ ...dndWindow(T - HOUR, T + HOUR), snoozeEndMs: T + 3 * HOUR }, T)).toBe(T + 3 * HOUR);
    expect(dndEndOf({ ...dndWindow(T + HOUR, T + 2 * HOUR), snoozeEndMs: T - 1 }, T)).toBeNull();
  });

  it("reads dnd.info's and the events' fields (epoch seconds); refuses what is not one", () => {
    expect(
      parseDndStatus({
        ok: true,
        dnd_enabled: true,
        next_dnd_start_ts: 1450416600,
        next_dnd_end_ts: 1450452600,
        snooze_enabled: true,
        snooze_endtime: 1450416600,
        snooze_remaining: 1196,
      }),
    ).toEqual({
      dndEnabled: true,
      nextStartMs: 1450416600_000,
      nextEndMs: 1450452600_000,
      snoozeEndMs: 1450416600_000,
    });
    expect(
      parseDndStatus({ dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1, snooze_enabled: false }),
    ).toEqual({ dndEnabled: false, nextStartMs: 1000, nextEndMs: 1000, snoozeEndMs: null });
    expect(parseDndStatus(null)).toBeNull();
    expect(parseDndStatus({ dnd_enabled: "yes" })).toBeNull();
  });

  it("without a bot token (demo mode) nothing is asked and nothing is held", async () => {
    const api = fakeApi("slack-dnd-demo");
    expect(await dndUntil(api.env(env, { tokens: false }), deps, "UDNDDEMO01", T)).toBeNull();
    expect(await api.requests()).toEqual([]);
  });

  it("a dnd_updated_user event replaces the cached answer: no dnd.info call follows", async () => {
    const api = fakeApi("slack-dnd-event");
    const apiEnv = api.env(env, { extra: { LOG_LEVEL: "error" } });
    const user = "UDNDEVENT1";
    const now = Date.now();
    // Known (from dnd.info): not in DND.
    expect(await dndUntil(apiEnv, deps, user, now)).toBeNull();
    expect(await api.requests("/slack/api/dnd.info")).toHaveLength(1);

    const end = Math.floor(now / 1000) + 3600;
    const event = (dndEnabled: boolean, id: string) =>
      JSON.stringify({
        token: "ZZZZZZWSxiZZZ2yIvs3peJ",
        team_id: "T0DNDEVT1",
        api_app_id: "A0FMAPP01",
        event: {
          type: "dnd_updated_user",
          user,
          dnd_status: {
            dnd_enabled: dndEnabled,
            next_dnd_start_ts: Math.floor(now / 1000) - 60,
            next_dnd_end_ts: end,
          },
          event_ts: `${Math.floor(now / 1000)}.000100`,
        },
        type: "event_callback",
        event_id: id,
        event_time: Math.floor(now / 1000),
        authorizations: [
          { team_id: "T0DNDEVT1", user_id: "U0BOTUSER", is_bot: true, is_enterprise_install: false },
        ],
      });
    const { env: slackEnv, sent } = testEnv("t-slack-dnd-event");
    const on = await send(await signedRequest({ body: event(true, "Ev0DNDON01"), json: true }), slackEnv);
    expect(on.response.status).toBe(200);
    await on.settled;
    expect(await dndUntil(apiEnv, deps, user, now)).toBe(end * 1000);

    const off = await send(await signedRequest({ body: event(false, "Ev0DNDOFF1"), json: true }), slackEnv);
    expect(off.response.status).toBe(200);
    await off.settled;
    expect(await dndUntil(apiEnv, deps, user, now)).toBeNull();

    // Slack was asked once only (before the events), and the events post nothing.
    expect(await api.requests("/slack/api/dnd.info")).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it("an unreadable dnd_status forgets the user, so the next check asks Slack", async () => {
    const api = fakeApi("slack-dnd-forget");
    const apiEnv = api.env(env, { extra: { LOG_LEVEL: "error" } });
    const user = "UDNDFORGET";
    noteDndUpdated(
      user,
      { dnd_enabled: true, next_dnd_start_ts: T / 1000 - 60, next_dnd_end_ts: T / 1000 + 60 },
      T,
    );
    expect(await dndUntil(apiEnv, deps, user, T)).toBe(T + 60_000);
    noteDndUpdated(user, { nonsense: true }, T);
    expect(await dndUntil(apiEnv, deps, user, T)).toBeNull();
    expect(await api.requests("/slack/api/dnd.info")).toHaveLength(1);
  });
});
