// The Me view, for a person signed in from chat (`/foreman dashboard`: a session whose `actor` is
// their chat user, e.g. `slack:U123`): their own review queue in clusters — the reviews waiting for
// their GitHub login, as `/foreman review mine` finds them (the team maps the chat user to the login:
// GET /api/people), past the SLA, at risk, waiting, paused; then their own PRs and whom they wait on — their notification settings (the `/foreman me` settings, GET /api/people/{login})
// and what the Context Optimizer holds for them. Mode, windows and daily cap change here (POST
// /api/sessions/me/notify, validated as `/foreman me notify`); focus time, holidays and hours in chat.
import { api, guarded } from "./api.js";
import { $, el, safeLink, slaBadge, text } from "./dom.js";
import { due, when, workingAge } from "./time.js";

/** The session's chat user (`slack:U123`), set by the app when a chat sign-in link opened it. */
let actor = null;

export function setMeActor(value) {
  actor = typeof value === "string" && value ? value : null;
}

const ACTIVE = new Set(["requested", "in_progress"]);
const STATUS_TEXT = { requested: "requested", in_progress: "in review" };
const MODE_TEXT = {
  immediate: "immediately",
  batched: "batched into windows",
  digest: "once a day, in a digest",
};
const HELD_REASON = {
  away: "you are away",
  "off-hours": "outside your working hours",
  focus: "focus time",
  window: "waiting for your next window",
  cap: "over your daily cap",
  burst: "merged with a follow-up",
};

function section(title, id, children) {
  return el("section", { class: "me-part", "aria-labelledby": id }, [el("h3", { id }, [title]), ...children]);
}

/** The person's reviews in clusters, most urgent first (a cluster with nothing in it is left out). */
const CLUSTERS = [
  { id: "breached", title: "Past the SLA: review now", test: (r) => !r.paused && r.state === "breached" },
  { id: "at-risk", title: "At risk: due soon", test: (r) => !r.paused && r.state === "at_risk" },
  { id: "waiting", title: "Waiting for your review", test: (r) => !r.paused },
  { id: "paused", title: "Paused (drafts, or the clock stopped)", test: () => true },
];

function reviewItem(item, r, nowMs) {
  const ref = `${text(item.repo)}#${text(item.number)}`;
  const detail = [
    STATUS_TEXT[r.status] ?? text(r.status),
    workingAge(r.waitingWorkingMs, r.requestedAtMs, nowMs),
  ];
  if (typeof r.dueAtMs === "number" && !r.paused) detail.push(due(r.dueAtMs, nowMs));
  return el("li", { class: "me-item" }, [
    safeLink(item.url, ref),
    " ",
    el("span", {}, [text(item.title)]),
    " ",
    slaBadge(r.paused ? null : r.state),
    el("span", { class: "hint" }, [` ${detail.join(" · ")}`]),
  ]);
}

/** One of the person's own pull requests, with whom it waits on. */
function authoredItem(item, nowMs) {
  const ref = `${text(item.repo)}#${text(item.number)}`;
  const reviewers = Array.isArray(item.reviewers) ? item.reviewers : [];
  const waitsOn = reviewers.filter((r) => ACTIVE.has(r.status)).map((r) => text(r.login));
  return el("li", { class: "me-item" }, [
    safeLink(item.url, ref),
    " ",
    el("span", {}, [text(item.title)]),
    el("span", { class: "hint" }, [
      ` ${waitsOn.length ? `waiting on ${waitsOn.join(", ")}` : "no reviewer yet"} · ready ${workingAge(item.waitingWorkingMs, item.readyAtMs, nowMs)}`,
    ]),
  ]);
}

function cluster(id, title, nodes) {
  return el("div", { class: "me-cluster", "data-cluster": id }, [
    el("h4", { id: `me-cluster-${id}` }, [`${title} (${nodes.length})`]),
    el("ul", { class: "me-list", "aria-labelledby": `me-cluster-${id}` }, nodes),
  ]);
}

function queueList(items, login, nowMs) {
  const who = login.toLowerCase();
  const mine = items
    .map((item) => ({
      item,
      r: (Array.isArray(item.reviewers) ? item.reviewers : []).find(
        (r) => String(r.login).toLowerCase() === who && ACTIVE.has(r.status),
      ),
    }))
    .filter((x) => x.r);
  const authored = items.filter((item) => String(item.author ?? "").toLowerCase() === who);
  const parts = [];
  const left = new Set(mine);
  for (const c of CLUSTERS) {
    const inIt = [...left].filter((x) => c.test(x.r));
    for (const x of inIt) left.delete(x);
    if (inIt.length)
      parts.push(
        cluster(
          c.id,
          c.title,
          inIt.map(({ item, r }) => reviewItem(item, r, nowMs)),
        ),
      );
  }
  if (mine.length === 0) parts.push(el("p", { class: "empty" }, ["Nothing is waiting for your review."]));
  if (authored.length) {
    parts.push(
      cluster(
        "authored",
        "Your pull requests, waiting on others",
        authored.map((i) => authoredItem(i, nowMs)),
      ),
    );
  }
  return [el("div", { id: "me-queue" }, parts)];
}

function prefsList(person) {
  const n = person.notify ?? {};
  const rows = [
    ["Messages", MODE_TEXT[n.mode] ?? text(n.mode)],
    ["Windows", Array.isArray(n.windows) && n.windows.length ? n.windows.map(text).join(", ") : "—"],
    ["Daily cap", text(n.dailyCap)],
    [
      "Focus time",
      Array.isArray(n.focus) && n.focus.length
        ? n.focus
            .map((f) => `${(f.days ?? []).map(text).join(" ")} ${text(f.start)}–${text(f.end)}`)
            .join("; ")
        : "none",
    ],
    ["Time zone", text(person.tz)],
    [
      "Working hours",
      person.workingHours
        ? `${(person.workingHours.days ?? []).map(text).join(" ")} ${text(person.workingHours.start)}–${text(person.workingHours.end)}`
        : "—",
    ],
  ];
  const dl = el(
    "dl",
    { class: "me-prefs" },
    rows.flatMap(([k, v]) => [el("dt", {}, [k]), el("dd", {}, [v])]),
  );
  const how = el("p", { class: "hint" }, [
    "Focus time, holidays and working hours change in chat: ",
    el("code", {}, ["/foreman me focus …"]),
    ", ",
    el("code", {}, ["/foreman me holiday …"]),
    ", ",
    el("code", {}, ["/foreman me hours …"]),
    ".",
  ]);
  return [dl, notifyForm(n), how];
}

/** Mode, windows and cap, as `/foreman me notify batched --at 09:30,13:30 --cap 6`. */
function notifyForm(n) {
  const mode = el("select", { id: "me-mode", name: "mode" });
  for (const [value, label] of [
    ["immediate", "Immediately"],
    ["batched", "Batched into windows"],
    ["digest", "Once a day, in a digest"],
    ["default", "The team's default"],
  ]) {
    const option = el("option", { value }, [label]);
    if (value === n.mode) option.setAttribute("selected", "");
    mode.append(option);
  }
  const windows = el("input", {
    id: "me-windows",
    name: "windows",
    type: "text",
    inputmode: "numeric",
    placeholder: "09:30, 13:30, 16:30",
    spellcheck: "false",
  });
  /** @type {HTMLInputElement} */ (windows).value = Array.isArray(n.windows) ? n.windows.join(", ") : "";
  const cap = el("input", { id: "me-cap", name: "cap", type: "number", min: "1", max: "100" });
  /** @type {HTMLInputElement} */ (cap).value = typeof n.dailyCap === "number" ? String(n.dailyCap) : "";
  const out = el("div", { id: "me-notify-out", role: "status", "aria-live": "polite" });
  const form = el("form", { class: "form me-form", "aria-labelledby": "me-form-title" }, [
    el("h4", { id: "me-form-title" }, ["Change how Foreman messages you"]),
    el("label", { for: "me-mode" }, ["Messages"]),
    mode,
    el("label", { for: "me-windows" }, ["Windows (HH:MM, comma-separated)"]),
    windows,
    el("label", { for: "me-cap" }, ["Daily cap (1–100)"]),
    cap,
    el("button", { type: "submit" }, ["Save"]),
    out,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { mode: /** @type {HTMLSelectElement} */ (mode).value };
    const w = /** @type {HTMLInputElement} */ (windows).value.split(/[\s,]+/).filter(Boolean);
    const c = /** @type {HTMLInputElement} */ (cap).value.trim();
    if (body.mode !== "default") {
      if (w.length) body.windows = w;
      if (c) body.dailyCap = Number(c);
    }
    out.replaceChildren("Saving…");
    void guarded(async () => {
      const answer = await api("POST", "/api/sessions/me/notify", body);
      await loadMe();
      const note = $("me-notify-out");
      note.replaceChildren(
        el("p", { class: "action-done" }, [
          `Saved: messages reach you ${MODE_TEXT[answer?.notify?.mode] ?? text(answer?.notify?.mode)}.`,
        ]),
      );
      $("me-mode").focus();
    }, out);
  });
  return form;
}

function heldList(person) {
  const held = Array.isArray(person.held) ? person.held : [];
  if (held.length === 0) return [el("p", { class: "empty" }, ["Nothing is held for you."])];
  return [
    el(
      "ul",
      { class: "me-list" },
      held.map((h) => {
        const ref = h.pr ? `${text(h.pr.repo)}#${text(h.pr.number)}` : text(h.kind);
        return el("li", { class: "me-item" }, [
          h.pr ? safeLink(h.pr.url, ref) : ref,
          " ",
          el("span", {}, [text(h.pr?.title ?? h.kind)]),
          el("span", { class: "hint" }, [
            ` ${HELD_REASON[h.reason] ?? text(h.reason)} · goes out ${when(h.releaseAt)}`,
          ]),
        ]);
      }),
    ),
  ];
}

export async function loadMe() {
  const body = $("me-body");
  if (!actor) {
    body.replaceChildren(
      el("p", { class: "empty" }, ["Sign in from chat (/foreman dashboard) to see your own reviews here."]),
    );
    return;
  }
  const [platform, id] = actor.split(":");
  const team = await api("GET", "/api/people");
  const people = Array.isArray(team?.people) ? team.people : [];
  const me = people.find((p) => p.user?.platform === platform && p.user?.id === id);
  if (!me) {
    body.replaceChildren(
      el("p", { class: "empty" }, [
        `You (${actor}) are not on the team yet: `,
        el("code", {}, ["/foreman team add @you github:your-login"]),
        " so reviews can be matched to you.",
      ]),
    );
    return;
  }
  const [person, queue] = await Promise.all([
    api("GET", `/api/people/${encodeURIComponent(me.login)}`),
    api("GET", "/api/reviews?limit=500"),
  ]);
  const p = person?.person ?? me;
  const nowMs = typeof queue?.nowMs === "number" ? queue.nowMs : Date.now();
  body.replaceChildren(
    el("p", { class: "hint" }, [`On the team as ${text(p.login)}.`]),
    section(
      "Your reviews",
      "me-queue-title",
      queueList(Array.isArray(queue?.items) ? queue.items : [], p.login, nowMs),
    ),
    section("How Foreman messages you", "me-prefs-title", prefsList(p)),
    section("Held for you", "me-held-title", heldList(p)),
  );
}

export function clearMe() {
  actor = null;
  $("me-body").replaceChildren();
}
