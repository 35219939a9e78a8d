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
  /** Encoded action (src/chat/actions.ts), at most 100 characters (Discord custom_id limit). */
  action: string;
  label: string;
  style?: "primary" | "danger";
  /** Ask for confirmation first with this text. */
  confirm?: string;
}

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
}

export function reply(text: string, parts: Partial<Omit<Reply, "text">> = {}): Reply {
  return { ephemeral: true, sections: [], buttons: [], ...parts, text };
}
