// DOM helpers of the dashboard. API text reaches the page only as text nodes / textContent.

/** An ISO string or epoch ms in the viewer's zone, relative and without seconds (time.js). */
export { when } from "./time.js";

/** @param {string} id */
export function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`Missing element #${id}`);
  return node;
}

/**
 * Create an element; children are nodes or strings (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {Array<Node | string>} [children]
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children)
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  return node;
}

/** @param {unknown} value */
export function text(value) {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "string" ? value : String(value);
}

/** A table cell labelled for the stacked-card layout (the label is a static string). */
export function cell(label, content) {
  const td = el("td", { "data-label": label });
  if (content instanceof Node) td.append(content);
  else td.textContent = text(content);
  return td;
}

/** A table's head: one column header per (static) label. */
export function thead(labels) {
  const cols = labels.map((label) => el("th", { scope: "col" }, [label]));
  return el("thead", {}, [el("tr", {}, cols)]);
}

/** A status pill; the class is derived from the value with anything but a-z and - removed. */
export function status(value, label) {
  const s = text(value);
  return el("span", { class: `status status-${s.replace(/[^a-z-]/g, "")}` }, [label ?? s]);
}

/** The SLA states as said on the page (the Reviews view's filter says them so too). */
export const SLA_TEXT = { ok: "ok", at_risk: "at risk", breached: "breached" };

/** An SLA state badge: ok / at risk / breached, or "no SLA". */
export function slaBadge(state) {
  const known = typeof state === "string" && Object.hasOwn(SLA_TEXT, state);
  const cls = known ? `sla sla-${state.replace("_", "-")}` : "sla sla-none";
  return el("span", { class: cls }, [known ? SLA_TEXT[state] : "no SLA"]);
}

/** An external link, only for http(s) URLs; anything else is plain text. */
export function safeLink(href, label) {
  let url = null;
  try {
    url = typeof href === "string" ? new URL(href) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) return document.createTextNode(label);
  return el("a", { href: url.href, rel: "noopener noreferrer", target: "_blank" }, [label]);
}

export function fill(bodyId, emptyId, rows) {
  $(bodyId).replaceChildren(...rows);
  $(emptyId).hidden = rows.length > 0;
}

// ------------------------------------------------------------------ banner and notices

export function showError(message) {
  $("banner-text").textContent = message;
  $("banner").hidden = false;
}

export function clearError() {
  $("banner").hidden = true;
  $("banner-text").textContent = "";
}

export function notify(message) {
  $("notice").textContent = message;
}

/** An error shown in place (inside a panel), as an alert. */
export function errorBox(message) {
  return el("p", { class: "panel-error", role: "alert" }, [message]);
}
