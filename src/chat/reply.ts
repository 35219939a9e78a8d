/**
 * What a command or button answers, independent of the platform. Renderers turn it into Slack
 * Block Kit (src/chat/slack/render.ts) or Discord content/embeds/components
 * (src/chat/discord/render.ts).
 *
 * Text markup is neutral: `**bold**`, `code` in backticks, links as `[label](https://…)`,
 * mentions as `<@ID>` (the same on both platforms). The Slack renderer converts bold and links.
 */
export type Tone = "info" | "success" | "warning" | "error";

export interface ReplyField {
  label: string;
  value: string;
}

export interface ReplySection {
  title?: string;
  text?: string;
  lines?: string[];
  fields?: ReplyField[];
}

export interface ReplyButton {
  /**
   * Encoded action (src/chat/actions.ts), at most 100 characters (Discord custom_id limit). For a
   * link button (`url`) it is only the button's id (`linkButtonId`): clicking runs nothing.
   */
  action: string;
  label: string;
  style?: "primary" | "danger";
  /** Ask for confirmation first with this text. */
  confirm?: string;
  /** A link button: opens this absolute http(s) URL (checked by `safeUrl`; dropped when not valid). */
  url?: string;
}

/** One choice of a select menu: choosing it runs `action` exactly like a button with that id. */
export interface ReplyOption {
  /** Shown as plain text (outside text is fine here: it is never parsed as markup). */
  label: string;
  /** Encoded action (src/chat/actions.ts), at most 100 characters. */
  action: string;
}

/** A menu under the reply: up to 25 options on Discord, 100 on Slack (the rest are left out). */
export interface ReplySelect {
  /** Stable id of the menu (the adapters read the chosen option's action, not this). */
  id: string;
  placeholder: string;
  options: ReplyOption[];
}

/** Prefix of link-button ids: no adapter runs them (Slack still reports the click, which is acknowledged). */
export const LINK_BUTTON_PREFIX = "fmlink:";
export const linkButtonId = (name: string) => `${LINK_BUTTON_PREFIX}${name}`.slice(0, 100);
/** Prefix of select-menu ids (`fm1:` so Slack hands the choice to the action listener). */
export const SELECT_PREFIX = "fm1:select:";

export interface Reply {
  /** Shown only to the person who asked (Slack `ephemeral`, Discord flag 64). */
  ephemeral: boolean;
  /** One-line summary: the notification text and the fallback. */
  text: string;
  title?: string;
  sections: ReplySection[];
  buttons: ReplyButton[];
  footer?: string;
  tone?: Tone;
  /** For a button click: replace the clicked message in place. */
  replaceOriginal?: boolean;
  /** A menu of choices (e.g. repositories to link), shown after the buttons. */
  select?: ReplySelect;
}

export function reply(text: string, parts: Partial<Omit<Reply, "text">> = {}): Reply {
  return { ephemeral: true, sections: [], buttons: [], ...parts, text };
}
