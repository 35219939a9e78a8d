/** Input validation of TenantSettings writes: zod schemas, failures as 400s naming the field. */
import { z } from "zod";
import type { ChannelRef, ChatUserRef } from "../chat/platform";
import type { SlaRule } from "../domain/sla";
import { isValidTimeZone, parseIsoDate } from "../domain/time";
import {
  chatUserSchema,
  daysSchema,
  EMPTY_MODES,
  githubLoginSchema,
  hoursSchema,
  labelListSchema,
  repoSchema,
  teamKeySchema,
  textSchema,
  timeOfDaySchema,
} from "../domain/values";
import { ValidationError } from "../platform/errors";
import {
  type ChannelLink,
  DEFAULT_TZ,
  DEFAULT_WORKING_HOURS,
  type DigestInput,
  type DigestSchedule,
  type LinkKind,
  type MemberInput,
  normalizeTarget,
  type OooEntry,
  type SlaInput,
  type TeamMember,
} from "./model";

export const zoneSchema = z.string().refine(isValidTimeZone, "not an IANA time zone (e.g. Europe/Berlin)");
export const realDateSchema = z
  .string()
  .refine((s) => parseIsoDate(s) !== null, "not a real date (YYYY-MM-DD)");
export const channelSchema = z.strictObject({
  platform: z.enum(["slack", "discord"]),
  workspaceId: z.string().min(1).max(64),
  channelId: z.string().min(1).max(64),
});
/** Working days and hours in the member's zone: the end after the start, and it may be 24:00. */
export const workingHoursSchema = z
  .strictObject({
    days: daysSchema,
    start: timeOfDaySchema,
    end: z.union([timeOfDaySchema, z.literal("24:00")]),
  })
  .refine((h) => h.end > h.start, {
    path: ["end"],
    message: "the working day ends after it starts (HH:MM-HH:MM, 24 h; the end may be 24:00)",
  });
export const bySchema = z.string().min(1).max(200);
const labelSchema = textSchema.max(50);

/** A change to a channel's digest filters (undefined fields are left as they are). */
export const digestPrefsPatchSchema = z.strictObject({
  ignoreDrafts: z.boolean().optional(),
  ignoreApprovedAtLeast: z.number().int().min(0).max(50).optional(),
  minAgeHours: z.number().min(0).max(720).optional(),
  requiredLabels: labelListSchema.optional(),
  ignoredLabels: labelListSchema.optional(),
  emptyMode: z.enum(EMPTY_MODES).optional(),
});

/** The parsed value, or a ValidationError naming `field` (and the path inside it). */
export function check<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((i) => ({ field: [field, ...i.path.map(String)].join("."), message: i.message })),
  );
}

/** A link target in its canonical spelling, validated: owner/repo or a Linear team key. */
export function checkTarget(kind: LinkKind, target: string): string {
  const t = normalizeTarget(kind, target);
  return kind === "github" ? check(repoSchema, t, "repo") : check(teamKeySchema, t, "teamKey");
}

/** A validated member from `input`; an existing member keeps what the input leaves out. */
export function buildMember(input: MemberInput, previous: TeamMember | null, by: string): TeamMember {
  const user = check(chatUserSchema, input.user, "user");
  const now = new Date().toISOString();
  return {
    user: user.name || !previous?.user.name ? user : { ...user, name: previous.user.name },
    github: check(githubLoginSchema, input.github, "github"),
    tz: input.tz === undefined ? (previous?.tz ?? DEFAULT_TZ) : check(zoneSchema, input.tz, "tz"),
    lead: input.lead ?? previous?.lead ?? false,
    workingHours:
      input.workingHours === undefined
        ? (previous?.workingHours ?? DEFAULT_WORKING_HOURS)
        : check(workingHoursSchema, input.workingHours, "workingHours"),
    addedBy: previous?.addedBy ?? check(bySchema, by, "by"),
    addedAt: previous?.addedAt ?? now,
    updatedAt: now,
  };
}

/** A validated out-of-office entry: real dates, and the last day out not before the first. */
export function buildOoo(
  user: ChatUserRef,
  range: { from: string | null; until: string | null },
  by: string,
): OooEntry {
  const from = range.from === null ? null : check(realDateSchema, range.from, "from");
  const until = range.until === null ? null : check(realDateSchema, range.until, "until");
  if (from !== null && until !== null && until < from) {
    throw new ValidationError([
      { field: "until", message: `the last day out (${until}) is before the first (${from})` },
    ]);
  }
  return {
    user: check(chatUserSchema, user, "user"),
    from,
    until,
    setBy: check(bySchema, by, "by"),
    setAt: new Date().toISOString(),
  };
}

export function buildLink(kind: LinkKind, target: string, channel: ChannelRef, by: string): ChannelLink {
  return {
    kind: check(z.enum(["github", "linear"]), kind, "kind"),
    target: checkTarget(kind, target),
    channel: check(channelSchema, channel, "channel"),
    linkedBy: check(bySchema, by, "by"),
    linkedAt: new Date().toISOString(),
  };
}

export function buildSla(input: SlaInput, by: string): SlaRule {
  return {
    repo: input.repo === undefined ? null : check(repoSchema, input.repo.toLowerCase(), "repo"),
    label: input.label === undefined ? null : check(labelSchema, input.label.trim(), "label"),
    hours: check(hoursSchema, input.hours, "hours"),
    isDefault: false,
    setBy: check(bySchema, by, "by"),
    setAt: new Date().toISOString(),
  };
}

export function buildDigest(channel: ChannelRef, input: DigestInput, by: string): DigestSchedule {
  return {
    channel: check(channelSchema, channel, "channel"),
    time: check(timeOfDaySchema, input.time, "time"),
    tz: check(zoneSchema, input.tz, "tz"),
    days: check(daysSchema, input.days, "days"),
    setBy: check(bySchema, by, "by"),
    setAt: new Date().toISOString(),
  };
}
