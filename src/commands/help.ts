/**
 * Help content generated from the grammar. Platform-neutral structure (no markup): the Slack Block Kit
 * and Discord embed renderers format it.
 */
import { COMMAND_PREFIX, COMMANDS, type CommandSpec, HELP_TOPICS, specFor, TOP_WORDS } from "./grammar";
import { SECTIONS } from "./sections";
import type { CommandName } from "./types";

export interface HelpLine {
  usage: string;
  description: string;
  /** Changes settings or state: needs chat admin rights (self-service commands are not marked). */
  adminOnly: boolean;
}

export interface HelpSection {
  title: string;
  lines: HelpLine[];
  /** Example command lines; filled in when help is about one topic. */
  examples: string[];
}

export interface HelpContent {
  title: string;
  intro: string;
  sections: HelpSection[];
  footer: string;
}

const ADMIN_NOTE = "Commands marked admin-only change settings and need chat admin rights.";

export function usageFor(name: CommandName): string {
  return specFor(name).usage;
}

export function helpText(topic?: string): HelpContent {
  const wanted = (topic ?? "").trim().toLowerCase().split(/\s+/).join(" ");
  const footer = `More on one topic: \`${COMMAND_PREFIX} help <topic>\`. Topics: ${TOP_WORDS.join(", ")}.`;
  if (wanted === "" || !HELP_TOPICS.includes(wanted)) {
    const intro = wanted === "" ? ADMIN_NOTE : `No help topic "${topic?.trim()}". ${ADMIN_NOTE}`;
    return {
      title: "Foreman commands",
      intro,
      sections: SECTIONS.map((s) => section(s.title, s.words, false)),
      footer,
    };
  }
  const single = COMMANDS.find((c) => c.path.length === 2 && c.path.join(" ") === wanted);
  if (single) {
    return {
      title: `Foreman: ${wanted}`,
      intro: adminOnly(single) ? `${single.description}. Admin-only.` : `${single.description}.`,
      sections: [{ title: wanted, lines: [line(single)], examples: [...single.examples] }],
      footer,
    };
  }
  const home = SECTIONS.find((s) => s.words.includes(wanted)) ?? { title: wanted, words: [wanted] };
  return {
    title: `Foreman: ${home.title}`,
    intro: ADMIN_NOTE,
    sections: [section(home.title, home.words, true)],
    footer,
  };
}

function section(title: string, words: readonly string[], withExamples: boolean): HelpSection {
  const commands = COMMANDS.filter((c) => words.includes(c.path[0]));
  return {
    title,
    lines: commands.map(line),
    examples: withExamples ? commands.flatMap((c) => c.examples) : [],
  };
}

/** `ooo` and `back` change settings, but anyone may run them for themselves: not marked. */
const adminOnly = (spec: CommandSpec) => spec.mutates && !spec.selfService;

function line(spec: CommandSpec): HelpLine {
  return { usage: spec.usage, description: spec.description, adminOnly: adminOnly(spec) };
}
