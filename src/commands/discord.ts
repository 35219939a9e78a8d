/**
 * Discord side of the grammar: the application command definitions generated from the spec
 * (`PUT /applications/{id}/commands`), and interaction data -> the same typed command the text parser
 * produces. Pure; never throws.
 */

import { z } from "zod";
import type { DiscordInteractionOption } from "../chat/discord/types";
import {
  type ArgSpec,
  argUsage,
  type CommandSpec,
  findCommand,
  groupCommands,
  kindDef,
  OVERVIEW_USAGE,
  TOP_WORDS,
} from "./grammar";
import { buildCommand, type RawValue } from "./parse";
import { GROUP_DESCRIPTIONS } from "./sections";
import type { ParseResult } from "./types";

export const DISCORD_COMMAND_NAME = "foreman";

/** Application command option types (Discord API v10). */
export const OptionType = {
  SUB_COMMAND: 1,
  SUB_COMMAND_GROUP: 2,
  STRING: 3,
  INTEGER: 4,
  BOOLEAN: 5,
  USER: 6,
  CHANNEL: 7,
  ROLE: 8,
  MENTIONABLE: 9,
  NUMBER: 10,
  ATTACHMENT: 11,
} as const;
export type OptionTypeValue = (typeof OptionType)[keyof typeof OptionType];

export interface DiscordChoice {
  name: string;
  value: string;
}

export interface DiscordOptionDefinition {
  type: OptionTypeValue;
  name: string;
  description: string;
  required?: boolean;
  choices?: DiscordChoice[];
  options?: DiscordOptionDefinition[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
}

export interface DiscordCommandDefinition {
  /** 1 = CHAT_INPUT (slash command). */
  type: 1;
  name: string;
  description: string;
  /** `[0]`: GUILD_INSTALL (integration types) and GUILD (contexts): the bot works per server. */
  integration_types: number[];
  contexts: number[];
  options: DiscordOptionDefinition[];
}

export interface DiscordResolvedUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

export interface DiscordInteractionData {
  id?: string;
  name: string;
  /** 1 = CHAT_INPUT. */
  type?: number;
  guild_id?: string;
  options?: DiscordInteractionOption[];
  resolved?: {
    users?: Record<string, DiscordResolvedUser>;
    members?: Record<string, { nick?: string | null; roles?: string[] }>;
  };
}

const optionSchema: z.ZodType<DiscordInteractionOption> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(optionSchema).max(25).optional(),
    focused: z.boolean().optional(),
  }),
);
const dataSchema = z.object({ name: z.string(), options: z.array(optionSchema).max(25).optional() });

export function discordCommandDefinitions(): DiscordCommandDefinition[] {
  const options: DiscordOptionDefinition[] = [];
  for (const word of TOP_WORDS) {
    const group = groupCommands(word);
    const single = findCommand([word]);
    if (group.length > 0) {
      const description = GROUP_DESCRIPTIONS[word] ?? word;
      options.push({
        type: OptionType.SUB_COMMAND_GROUP,
        name: word,
        description,
        options: group.map(subcommand),
      });
    } else if (single) {
      options.push(subcommand(single));
    }
  }
  const description = "Foreman: workflows, agents, reviews, SLAs and digests for your team";
  return [
    { type: 1, name: DISCORD_COMMAND_NAME, description, integration_types: [0], contexts: [0], options },
  ];
}

function subcommand(spec: CommandSpec): DiscordOptionDefinition {
  const options = spec.args.flatMap(argOptions);
  const sorted = [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
  const name = spec.path[spec.path.length - 1] ?? spec.name;
  const def: DiscordOptionDefinition = { type: OptionType.SUB_COMMAND, name, description: spec.description };
  return sorted.length > 0 ? { ...def, options: sorted } : def;
}

function argOptions(arg: ArgSpec): DiscordOptionDefinition[] {
  const kind = kindDef(arg.kind);
  const option: DiscordOptionDefinition = {
    type: kind.discordType,
    name: arg.name,
    description: arg.description,
  };
  // With a free-text alternative either option may be given: Discord cannot require one of two, the
  // mapping (`fromDiscord`) says which is missing.
  if (arg.required && !arg.discordAlt) option.required = true;
  if (kind.choices) option.choices = kind.choices.map((c) => ({ name: c, value: c }));
  if (kind.maxLength !== undefined && !kind.choices) option.max_length = kind.maxLength;
  if (kind.minValue !== undefined) option.min_value = kind.minValue;
  if (kind.maxValue !== undefined) option.max_value = kind.maxValue;
  if (!arg.discordAlt) return [option];
  const alt = arg.discordAlt;
  return [option, { type: OptionType.STRING, name: alt.name, description: alt.description, max_length: 100 }];
}

/** An APPLICATION_COMMAND interaction's `data` -> the typed command (same result as the text parser). */
export function commandFromDiscord(data: DiscordInteractionData): ParseResult {
  try {
    return fromDiscord(data);
  } catch {
    return fail("Could not read that Discord command", OVERVIEW_USAGE);
  }
}

function fromDiscord(input: DiscordInteractionData): ParseResult {
  const parsed = dataSchema.safeParse(input);
  if (!parsed.success) return fail("Malformed Discord command data", OVERVIEW_USAGE);
  const data = parsed.data;
  if (data.name !== DISCORD_COMMAND_NAME) return fail(`Unknown command /${data.name}`, OVERVIEW_USAGE);
  const top = data.options?.[0];
  if (!top) return { ok: true, command: { name: "help" } };
  const sub = top.type === OptionType.SUB_COMMAND_GROUP ? top.options?.[0] : top;
  const path = top === sub ? [top.name] : [top.name, sub?.name ?? ""];
  const spec = sub?.type === OptionType.SUB_COMMAND ? findCommand(path) : undefined;
  if (!spec || !sub) {
    return fail(
      `Unknown command /foreman ${path.join(" ")}: the registered commands are out of date`,
      OVERVIEW_USAGE,
    );
  }
  const given = sub.options ?? [];
  const known = spec.args.flatMap((a) => (a.discordAlt ? [a.name, a.discordAlt.name] : [a.name]));
  const stray = given.find((o) => !known.includes(o.name));
  if (stray) return fail(`Unknown option "${stray.name}" for ${path.join(" ")}`, spec.usage);

  const raws = new Map<ArgSpec, RawValue>();
  for (const arg of spec.args) {
    const main = given.find((o) => o.name === arg.name);
    const alt = arg.discordAlt && given.find((o) => o.name === arg.discordAlt?.name);
    if (main && alt) return fail(`Choose either ${arg.name} or ${alt.name}, not both`, spec.usage);
    const value = (main ?? alt)?.value;
    if (value === undefined) continue;
    const isUser = kindDef(arg.kind).discordType === OptionType.USER;
    if (isUser && !/^\d+$/.test(String(value))) return fail(`Invalid user id "${value}"`, spec.usage);
    raws.set(arg, { raw: isUser ? `<@${value}>` : String(value) });
  }
  const missing = spec.args.find((a) => a.required && !raws.has(a));
  if (missing) return fail(`Missing ${argUsage(missing)}: ${missing.description}`, spec.usage);
  return buildCommand(spec, raws);
}

function fail(error: string, usage: string): ParseResult {
  return { ok: false, error, usage };
}
