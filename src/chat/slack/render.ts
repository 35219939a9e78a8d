/**
 * Reply (platform-neutral, src/chat/reply.ts) -> Slack message: Block Kit plus a fallback text.
 * Every text is first rendered by ./markup.ts (`renderTexts`: outside text escaped, Foreman's own
 * markup converted); the layout below only places finished mrkdwn and plain text.
 * Never fails on size: long content is cut to Slack's documented limits with "…and N more".
 */
import { renderTexts, safeUrl, type TextRendering } from "../markup";
import type { Reply, ReplyButton, ReplyField, ReplySection, ReplySelect, Tone } from "../reply";
import {
  type ActionsBlock,
  type Block,
  type ButtonElement,
  type ContextBlock,
  clip,
  LIMITS,
  type Mrkdwn,
  mrkdwn,
  plain,
  type SectionBlock,
  type StaticSelectElement,
} from "./blocks";
import { clipMrkdwn, toMrkdwn, toPlain } from "./escape";

export type { Block } from "./blocks";

export interface SlackMessage {
  text: string;
  blocks: Block[];
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
}

const TONE_EMOJI: Record<Tone, string> = {
  info: ":information_source:",
  success: ":white_check_mark:",
  warning: ":warning:",
  error: ":x:",
};

/** Headers and buttons are plain text; everything else mrkdwn (the footer is a context block). */
const SLACK_TEXT: TextRendering = { markup: toMrkdwn, plain: toPlain, title: toPlain, footer: toMrkdwn };

export function renderSlack(reply: Reply): SlackMessage {
  const rendered = renderTexts(reply, SLACK_TEXT);
  const message: SlackMessage = {
    text: clipMrkdwn(rendered.text, LIMITS.sectionText),
    blocks: blocksOf(reply, rendered, LIMITS.messageBlocks),
    response_type: reply.ephemeral ? "ephemeral" : "in_channel",
  };
  if (reply.replaceOriginal) message.replace_original = true;
  return message;
}

/** The blocks of a reply, at most `maxBlocks` (50 in messages, 100 on App Home). */
export function renderBlocks(reply: Reply, maxBlocks: number = LIMITS.messageBlocks): Block[] {
  return blocksOf(reply, renderTexts(reply, SLACK_TEXT), maxBlocks);
}

/** The blocks of `rendered` (its texts final); `source` is the reply before rendering. */
function blocksOf(source: Reply, rendered: Reply, maxBlocks: number): Block[] {
  const emoji = rendered.tone && rendered.tone !== "info" ? `${TONE_EMOJI[rendered.tone]} ` : "";
  const head: Block[] = rendered.title
    ? [{ type: "header", text: plain(`${emoji}${rendered.title}`, LIMITS.headerText) }]
    : [];
  const content: Block[] = [];
  if (rendered.sections.length === 0 && source.text !== source.title) {
    const lead = rendered.title ? "" : emoji;
    content.push(section(clipMrkdwn(`${lead}${rendered.text}`, LIMITS.sectionText)));
  }
  for (const s of rendered.sections) content.push(...sectionBlocks(s));
  const tail: Block[] = [...buttonBlocks(rendered.buttons)];
  if (rendered.select && rendered.select.options.length > 0) {
    tail.push({ type: "actions", elements: [selectElement(rendered.select)] });
  }
  if (rendered.footer) tail.push(context(rendered.footer));
  return limitBlocks(head, content, tail, Math.max(3, maxBlocks));
}

/** Keeps head and tail; drops content from the end (blocks, then characters) behind "…and N more". */
function limitBlocks(head: Block[], content: Block[], tail: Block[], maxBlocks: number): Block[] {
  let room = maxBlocks - head.length - tail.length;
  const kept = content.length > room ? content.slice(0, Math.max(0, room - 1)) : [...content];
  room = LIMITS.messageChars - size(head) - size(tail);
  while (kept.length > 1 && size(kept) > room) kept.pop();
  const dropped = content.length - kept.length;
  if (dropped > 0) kept.push(context(`…and ${dropped} more`));
  return [...head, ...kept, ...tail];
}

function size(blocks: Block[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === "section")
      n += (b.text?.text.length ?? 0) + (b.fields ?? []).reduce((a, f) => a + f.text.length, 0);
    else if (b.type === "context") n += b.elements.reduce((a, e) => a + e.text.length, 0);
    else if (b.type === "header") n += b.text.text.length;
  }
  return n;
}

function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

function context(text: string): ContextBlock {
  return { type: "context", elements: [mrkdwn(clipMrkdwn(text, LIMITS.fieldText))] };
}

function sectionBlocks(s: ReplySection): SectionBlock[] {
  const head = [s.title ? `*${s.title}*` : "", s.text ?? ""].filter(Boolean).join("\n");
  const text = withLines(head, s.lines ?? []);
  const fields = fieldObjects(s.fields ?? []);
  if (!text && fields.length === 0) return [];
  const block: SectionBlock = { type: "section" };
  if (text) block.text = mrkdwn(text);
  if (fields.length > 0) block.fields = fields;
  return [block];
}

/** `head` then as many lines as fit in one section, then "…and N more". */
function withLines(head: string, lines: string[]): string {
  const max = LIMITS.sectionText;
  let text = clipMrkdwn(head, max);
  for (const [i, line] of lines.entries()) {
    const next = text ? `${text}\n${line}` : line;
    const rest = lines.length - i - 1;
    const reserve = rest > 0 ? `\n…and ${rest} more`.length : 0;
    if (next.length + reserve <= max) {
      text = next;
      continue;
    }
    const more = `…and ${lines.length - i} more`;
    return text ? `${clipMrkdwn(text, max - more.length - 1)}\n${more}` : more;
  }
  return text;
}

function fieldObjects(fields: ReplyField[]): Mrkdwn[] {
  const shown = fields.length > LIMITS.fields ? fields.slice(0, LIMITS.fields - 1) : fields;
  const out = shown.map((f) => mrkdwn(clipMrkdwn(`*${f.label}*\n${f.value}`, LIMITS.fieldText)));
  if (shown.length < fields.length) out.push(mrkdwn(`…and ${fields.length - shown.length} more`));
  return out;
}

function buttonBlocks(buttons: ReplyButton[]): Block[] {
  if (buttons.length === 0) return [];
  const shown = buttons.slice(0, LIMITS.actionsElements);
  const actions: ActionsBlock = { type: "actions", elements: shown.map(button) };
  const extra = buttons.length - shown.length;
  return extra > 0 ? [actions, context(`…and ${extra} more actions`)] : [actions];
}

function button(b: ReplyButton): ButtonElement {
  const action = b.action.slice(0, LIMITS.actionId);
  const el: ButtonElement = {
    type: "button",
    action_id: action,
    value: action,
    text: plain(b.label, LIMITS.buttonText),
  };
  if (b.style) el.style = b.style;
  const url = b.url === undefined ? null : safeUrl(b.url);
  if (url !== null && url.length <= LIMITS.buttonUrl) el.url = url;
  if (b.confirm) {
    el.confirm = {
      title: plain("Are you sure?", LIMITS.confirmTitle),
      text: mrkdwn(clipMrkdwn(b.confirm, LIMITS.confirmText)),
      confirm: plain(clip(b.label, 30), 30),
      deny: plain("Cancel", 30),
    };
    if (b.style === "danger") el.confirm.style = "danger";
  }
  return el;
}

/** A static select: each option's value is the action it runs (ids longer than Slack allows are left out). */
function selectElement(select: ReplySelect): StaticSelectElement {
  const options = select.options
    .filter((o) => o.action.length <= LIMITS.optionValue)
    .slice(0, LIMITS.selectOptions)
    .map((o) => ({ text: plain(o.label, LIMITS.optionText), value: o.action }));
  return {
    type: "static_select",
    action_id: select.id.slice(0, LIMITS.actionId),
    placeholder: plain(select.placeholder, 150),
    options,
  };
}
