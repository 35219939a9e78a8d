/**
 * Discord interactions (API v10): the inbound payload schema (zod, loose: Discord adds fields over
 * time) and the response shapes Foreman sends back. Only the parts Foreman reads are typed.
 */
import { z } from "zod";

export const InteractionType = {
  PING: 1,
  APPLICATION_COMMAND: 2,
  MESSAGE_COMPONENT: 3,
  APPLICATION_COMMAND_AUTOCOMPLETE: 4,
  MODAL_SUBMIT: 5,
} as const;

export const ResponseType = {
  PONG: 1,
  CHANNEL_MESSAGE_WITH_SOURCE: 4,
  DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: 5,
  DEFERRED_UPDATE_MESSAGE: 6,
  UPDATE_MESSAGE: 7,
  APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: 8,
} as const;

/** Message flag: only the invoking user sees the message. */
export const EPHEMERAL = 64;
/** Permission bits of `member.permissions` (a decimal string of a 64-bit set). */
export const ADMINISTRATOR = 0x8n;
export const MANAGE_GUILD = 0x20n;

/* ---- Outbound message shapes ---- */

export interface DiscordEmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  fields?: DiscordEmbedField[];
  footer?: { text: string };
}

/** A button (component type 2). Styles: 1 primary, 2 secondary, 4 danger. */
export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 4;
  label: string;
  custom_id: string;
}

/** A link button (type 2, style 5): opens `url`, sends no interaction. */
export interface DiscordLinkButton {
  type: 2;
  style: 5;
  label: string;
  url: string;
}

/** A string select (component type 3), alone in its row; each value is the action it runs. */
export interface DiscordStringSelect {
  type: 3;
  custom_id: string;
  placeholder?: string;
  options: { label: string; value: string }[];
}

export interface DiscordActionRow {
  type: 1;
  components: (DiscordButton | DiscordLinkButton)[] | [DiscordStringSelect];
}

export interface AllowedMentions {
  /** Empty: no @everyone, role or blanket user pings; only the ids in `users`. */
  parse: never[];
  users: string[];
}

export interface DiscordMessage {
  content?: string;
  embeds: DiscordEmbed[];
  components: DiscordActionRow[];
  flags?: number;
  allowed_mentions: AllowedMentions;
}

export type InteractionResponse =
  | { type: typeof ResponseType.PONG }
  | { type: typeof ResponseType.CHANNEL_MESSAGE_WITH_SOURCE; data: DiscordMessage }
  | { type: typeof ResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE; data: { flags?: number } }
  | { type: typeof ResponseType.DEFERRED_UPDATE_MESSAGE }
  | { type: typeof ResponseType.UPDATE_MESSAGE; data: DiscordMessage }
  | {
      type: typeof ResponseType.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT;
      data: { choices: { name: string; value: string }[] };
    };

/* ---- Inbound interaction schema ---- */

const snowflake = z.string().regex(/^\d{17,20}$/, "not a Discord snowflake id");

const userSchema = z.looseObject({
  id: snowflake,
  username: z.string().min(1).max(64),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
});

const memberSchema = z.looseObject({
  user: userSchema,
  permissions: z
    .string()
    .regex(/^\d{1,20}$/, "not a permission bit set")
    .optional(),
});

const optionSchema: z.ZodType<DiscordInteractionOption> = z.lazy(() =>
  z.looseObject({
    name: z.string().min(1).max(32),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(optionSchema).max(25).optional(),
    focused: z.boolean().optional(),
  }),
);

const commandDataSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1).max(32),
  type: z.number().int().optional(),
  guild_id: snowflake.optional(),
  options: z.array(optionSchema).max(25).optional(),
  resolved: z
    .looseObject({
      users: z.record(z.string(), userSchema).optional(),
      members: z
        .record(
          z.string(),
          z.looseObject({ nick: z.string().nullish(), roles: z.array(z.string()).optional() }),
        )
        .optional(),
    })
    .optional(),
});

const componentDataSchema = z.looseObject({
  custom_id: z.string().min(1).max(100),
  component_type: z.number().int(),
  /** A string select's chosen values (each an encoded action). */
  values: z.array(z.string().max(100)).max(25).optional(),
});

/** A component of the clicked message, as far as the confirmation prompt reads it (its label). */
const clickable = z.looseObject({ custom_id: z.string().optional(), label: z.string().optional() });

const modalDataSchema = z.looseObject({ custom_id: z.string().min(1).max(100) });

/** Who and where: present on every interaction but PING. */
const invocation = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(1024),
  version: z.number().int().optional(),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake }).optional(),
  member: memberSchema.optional(),
  user: userSchema.optional(),
};

export const interactionSchema = z
  .discriminatedUnion("type", [
    z.looseObject({ type: z.literal(InteractionType.PING), id: snowflake, application_id: snowflake }),
    z.looseObject({
      type: z.literal(InteractionType.APPLICATION_COMMAND),
      ...invocation,
      data: commandDataSchema,
    }),
    z.looseObject({
      type: z.literal(InteractionType.MESSAGE_COMPONENT),
      ...invocation,
      data: componentDataSchema,
      message: z
        .looseObject({
          id: snowflake,
          flags: z.number().int().optional(),
          components: z.array(z.looseObject({ components: z.array(clickable).optional() })).optional(),
        })
        .optional(),
    }),
    z.looseObject({
      type: z.literal(InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE),
      ...invocation,
      data: commandDataSchema,
    }),
    z.looseObject({ type: z.literal(InteractionType.MODAL_SUBMIT), ...invocation, data: modalDataSchema }),
  ])
  .superRefine((value, ctx) => {
    if (value.type !== InteractionType.PING && !value.member && !value.user) {
      ctx.addIssue({ code: "custom", path: ["member"], message: "member or user is required" });
    }
  });

export type Interaction = z.infer<typeof interactionSchema>;
export type InvokedInteraction = Exclude<Interaction, { type: typeof InteractionType.PING }>;
export type CommandInteraction = Extract<Interaction, { type: typeof InteractionType.APPLICATION_COMMAND }>;
export type ComponentInteraction = Extract<Interaction, { type: typeof InteractionType.MESSAGE_COMPONENT }>;

/** One option of an APPLICATION_COMMAND interaction's `data`, nested for subcommands and groups. */
export interface DiscordInteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: DiscordInteractionOption[];
  focused?: boolean;
}
