/**
 * The Block Kit subset Foreman sends: messages (header, section, context, actions, divider) and the
 * modal inputs of `/foreman team add`. Typed here so renderers never build untyped JSON.
 * https://docs.slack.dev/reference/block-kit/blocks
 */

export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface Mrkdwn {
  type: "mrkdwn";
  text: string;
  /** True: Slack links no bare URLs or channel names and parses no mentions by itself. */
  verbatim?: boolean;
}

export type TextObject = PlainText | Mrkdwn;

export interface ConfirmDialog {
  title: PlainText;
  text: Mrkdwn;
  confirm: PlainText;
  deny: PlainText;
  style?: "primary" | "danger";
}

export interface ButtonElement {
  type: "button";
  action_id: string;
  text: PlainText;
  value?: string;
  style?: "primary" | "danger";
  confirm?: ConfirmDialog;
  /** A link button: Slack opens it (and still reports the click, which Foreman only acknowledges). */
  url?: string;
}

export interface SelectOption {
  text: PlainText;
  value: string;
}

export interface StaticSelectElement {
  type: "static_select";
  action_id: string;
  placeholder?: PlainText;
  options: SelectOption[];
}

export interface HeaderBlock {
  type: "header";
  text: PlainText;
}

export interface SectionBlock {
  type: "section";
  text?: Mrkdwn;
  fields?: Mrkdwn[];
}

export interface ContextBlock {
  type: "context";
  elements: TextObject[];
}

export interface ActionsBlock {
  type: "actions";
  elements: (ButtonElement | StaticSelectElement)[];
}

export interface DividerBlock {
  type: "divider";
}

export interface UsersSelectElement {
  type: "users_select";
  action_id: string;
  placeholder?: PlainText;
  initial_user?: string;
}

export interface PlainTextInputElement {
  type: "plain_text_input";
  action_id: string;
  placeholder?: PlainText;
  initial_value?: string;
  max_length?: number;
}

export interface CheckboxOption {
  text: PlainText;
  value: string;
  description?: PlainText;
}

export interface CheckboxesElement {
  type: "checkboxes";
  action_id: string;
  options: CheckboxOption[];
}

export interface InputBlock {
  type: "input";
  block_id: string;
  label: PlainText;
  element: UsersSelectElement | PlainTextInputElement | CheckboxesElement;
  hint?: PlainText;
  optional?: boolean;
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock | InputBlock;

export interface ModalView {
  type: "modal";
  callback_id: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  private_metadata?: string;
  blocks: Block[];
}

export interface HomeView {
  type: "home";
  blocks: Block[];
}

/** Documented limits (platform-facts.md). */
export const LIMITS = {
  messageBlocks: 50,
  homeBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  actionsElements: 25,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  contextElements: 10,
  confirmTitle: 100,
  confirmText: 300,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  buttonUrl: 3000,
  /** Messages much longer than this fail with msg_blocks_too_long (~13K seen). */
  messageChars: 12_000,
} as const;

export const plain = (text: string, max = 3000): PlainText => ({
  type: "plain_text",
  text: clip(text, max),
  emoji: true,
});

/**
 * A mrkdwn text object, `verbatim`: the only links and mentions are the `<…>` sequences Foreman
 * writes (src/chat/slack/escape.ts), never URLs or names Slack would detect in outside text.
 */
export const mrkdwn = (text: string): Mrkdwn => ({ type: "mrkdwn", text, verbatim: true });

/** Shortens to at most `max` characters, ending with "…" when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}
