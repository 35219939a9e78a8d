/**
 * The small HTML pages of the install flows: a plain page per outcome (installed, what went wrong
 * and what to do). Everything shown is escaped: workspace and organisation names come from outside.
 * No inline style or script: the security headers' CSP (src/http/middleware/headers.ts) allows none.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export interface Page {
  status: number;
  title: string;
  /** Paragraphs of plain text (escaped here). */
  lines: string[];
  /** A last paragraph (what to do next), if any. */
  after?: string;
  /** A link to follow next, if any. */
  next?: { href: string; label: string };
  headers?: Record<string, string>;
}

export function pageResponse(page: Page): Response {
  const body = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)} · Foreman</title>`,
    "</head><body>",
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...[...page.lines, ...(page.after ? [page.after] : [])].map((line) => `<p>${escapeHtml(line)}</p>`),
    page.next ? `<p><a href="${escapeHtml(page.next.href)}">${escapeHtml(page.next.label)}</a></p>` : "",
    "</body></html>",
  ].join("\n");
  return new Response(body, {
    status: page.status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      ...page.headers,
    },
  });
}

/** A redirect to the platform's consent screen, with a page for clients that do not follow it. */
export function redirectPage(location: string, title: string, cookie: string): Response {
  const response = pageResponse({
    status: 302,
    title,
    lines: ["Taking you to the consent screen…"],
    next: { href: location, label: "Continue" },
    headers: { Location: location, "Set-Cookie": cookie },
  });
  return response;
}
