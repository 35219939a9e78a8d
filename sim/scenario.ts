/**
 * A simulated team, as a scenario file says it (docs/simulation.md explains each field and where its
 * default comes from). Validated with zod; a problem is reported with the path of the field.
 */
import { z } from "zod";
import { isValidTimeZone, parseClockTime, parseIsoDate, WEEKDAYS } from "../src/domain/time";

const isoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && parseIsoDate(s) !== null, "expected a YYYY-MM-DD date");
const clock = (end: boolean) =>
  z
    .string()
    .refine((s) => parseClockTime(s, end) !== null, `expected HH:MM (00:00-${end ? "24:00" : "23:59"})`);
const zone = z.string().refine(isValidTimeZone, "unknown IANA time zone");
const probability = z.number().min(0).max(1);

const WorkingHours = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).default(["mon", "tue", "wed", "thu", "fri"]),
    start: clock(false).default("09:00"),
    end: clock(true).default("17:00"),
  })
  .refine((w) => (parseClockTime(w.end, true) ?? 0) > (parseClockTime(w.start) ?? 0), {
    message: "end must be after start",
    path: ["end"],
  });

const Ooo = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((o) => o.from <= o.to, { message: "to must not be before from", path: ["to"] });

/**
 * A recurring focus block, local to the person (as `/foreman me focus add tue,thu 09:00-12:00` sets
 * it): the same checks as Foreman's own (src/settings/notify-prefs.ts), so every block it accepts here
 * the Context Optimizer accepts too.
 */
const FocusBlock = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
    start: z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (00:00-23:59)"),
    end: z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, "expected HH:MM (00:00-24:00)"),
  })
  .refine((b) => (parseClockTime(b.end, true) ?? 0) > (parseClockTime(b.start) ?? 0), {
    message: "end must be after start",
    path: ["end"],
  });
/** At most as many blocks as Foreman keeps for one person (MAX_FOCUS_BLOCKS). */
const FocusBlocks = z.array(FocusBlock).max(10);

const Person = z.strictObject({
  login: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "expected a GitHub login"),
  tz: zone,
  workingHours: WorkingHours.default({
    days: ["mon", "tue", "wed", "thu", "fri"],
    start: "09:00",
    end: "17:00",
  }),
  /** Review speed factor: 2 reviews twice as fast as 1, 0.5 half as fast. */
  reviewSpeed: z.number().positive().max(10).default(1),
  /** Reviews this person does in one working day at most; more wait for the next day. */
  capacity: z.number().int().min(1).max(50).default(4),
  /** Areas of the code they know; their PRs touch one of them. */
  areas: z.array(z.string().min(1)).default([]),
  /** A team lead (mentioned on breaches by Foreman). */
  lead: z.boolean().default(false),
  ooo: z.array(Ooo).default([]),
  /** PRs this person opens per week; default the scenario's prsPerPersonPerWeek. */
  prsPerWeek: z.number().min(0).max(50).optional(),
  /** Their focus blocks; default the scenario's focusDefault ([] for none). Only measured by the model. */
  focus: FocusBlocks.optional(),
});

const SlaRule = z
  .strictObject({
    label: z.string().min(1).optional(),
    repo: z.string().min(1).optional(),
    hours: z.number().positive().max(1000),
  })
  .refine((r) => r.label !== undefined || r.repo !== undefined, "a rule needs a label or a repo");

/** The behaviour model: one for every strategy. Defaults and their sources in docs/simulation.md. */
const Behaviour = z.strictObject({
  /** Mean working hours between two looks at one's review queue (besides the start of the day). */
  checkEveryH: z.number().positive().max(40).default(2),
  /** Chance that a notification in working hours makes the person look at the PR right away. */
  actOnNotification: probability.default(0.3),
  /** Chance that a reminder (scheduled reminder, nudge, breach mention) in working hours is acted on. */
  actOnReminder: probability.default(0.5),
  /** Mean minutes between deciding to look and starting (finishing the current thought). */
  pickupDelayMin: z.number().min(0).max(600).default(10),
  /** Review time: base minutes plus minutes per changed line, divided by the reviewer's speed. */
  reviewBaseMin: z.number().min(0).max(600).default(10),
  reviewMinPerLine: z.number().min(0).max(10).default(0.2),
  /** Longest first sitting on one review: a huge PR gets its first review (often "please split") by then. */
  reviewMaxMin: z.number().positive().max(1000).default(90),
  /** Chance that a first review asks for changes, and a later one. */
  changesRequested: probability.default(0.3),
  changesRequestedLater: probability.default(0.1),
  /** Median working hours an author needs to address requested changes. */
  fixMedianH: z.number().positive().max(200).default(2),
  /** Mean working hours from the last approval to the merge. */
  mergeDelayH: z.number().min(0).max(200).default(1),
});

export const ScenarioSchema = z.looseObject({
  name: z.string().min(1).max(100),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  weeks: z.number().int().min(1).max(104).default(8),
  start: isoDate.default("2027-01-04"),
  people: z
    .array(Person)
    .min(2)
    .max(2000)
    .superRefine((people, ctx) => {
      const seen = new Set<string>();
      people.forEach((p, i) => {
        const key = p.login.toLowerCase();
        if (seen.has(key))
          ctx.addIssue({ code: "custom", message: `duplicate login "${p.login}"`, path: [i, "login"] });
        seen.add(key);
      });
    }),
  prsPerPersonPerWeek: z.number().min(0).max(50).default(3),
  /** Focus blocks of everyone who gives none of their own (`focus` on a person replaces them). */
  focusDefault: FocusBlocks.default([]),
  /** Chance that a PR carries each label, e.g. {"hotfix": 0.05}. */
  labels: z.record(z.string().min(1), probability).default({}),
  sla: z
    .strictObject({ hours: z.number().positive().max(1000).default(8), rules: z.array(SlaRule).default([]) })
    .default({ hours: 8, rules: [] }),
  reviewersPerPr: z.number().int().min(1).max(5).default(1),
  /** Repositories PRs are opened in (picked uniformly). */
  repos: z
    .array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/repo"))
    .min(1)
    .default(["acme/app"]),
  /** Zone of the team channel: GitHub's scheduled reminder posts at 09:00 there. Default: the first person's. */
  channelTz: zone.optional(),
  /** PR size in changed lines: log-normal with this median and shape. */
  prSize: z
    .strictObject({
      medianLines: z.number().positive().max(100_000).default(80),
      sigma: z.number().min(0).max(3).default(1.1),
    })
    .default({ medianLines: 80, sigma: 1.1 }),
  /** Share of PRs opened as drafts, and the median working hours until they are marked ready. */
  drafts: z
    .strictObject({
      share: probability.default(0.1),
      readyMedianH: z.number().positive().max(200).default(4),
    })
    .default({ share: 0.1, readyMedianH: 4 }),
  behaviour: Behaviour.default(Behaviour.parse({})),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioPerson = Scenario["people"][number];
export type BehaviourParams = Scenario["behaviour"];

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

/** The scenario, or a ScenarioError listing each problem as `path: message`. */
export function parseScenario(input: unknown, source: string): Scenario {
  const parsed = ScenarioSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 20).map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join("");
    return `  ${path || "(scenario)"}: ${issue.message}`;
  });
  throw new ScenarioError(`${source} is not a valid scenario:\n${lines.join("\n")}`);
}

/** Top-level fields the schema does not know (ignored; reported so a typo is noticed). */
export function unknownFields(input: unknown): string[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  const known = new Set(Object.keys(ScenarioSchema.shape));
  return Object.keys(input).filter((k) => !known.has(k));
}
