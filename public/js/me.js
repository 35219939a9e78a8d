// The Me view, for a person signed in from chat (`/foreman dashboard`: a session whose `actor` is
// their chat user, e.g. `slack:U123`): their own review queue — the reviews waiting for their GitHub
// login, as `/foreman review mine` finds them (the team maps the chat user to the login: GET
// /api/people) — their notification settings (the `/foreman me` settings, GET /api/people/{login})
// and what the Context Optimizer holds for them. Read only: the settings change in chat.
import { api } from "./api.js";
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

function queueList(items, login, nowMs) {
  const mine = items
    .map((item) => ({
      item,
      r: (Array.isArray(item.reviewers) ? item.reviewers : []).find(
        (r) => String(r.login).toLowerCase() === login.toLowerCase() && ACTIVE.has(r.status),
      ),
    }))
    .filter((x) => x.r);
  if (mine.length === 0) return [el("p", { class: "empty" }, ["Nothing is waiting for your review."])];
  return [
    el(
      "ul",
      { class: "me-list", id: "me-queue" },
      mine.map(({ item, r }) => {
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
      }),
    ),
  ];
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
    "These are read only here: change them in chat with ",
    el("code", {}, ["/foreman me notify …"]),
    " (and ",
    el("code", {}, ["/foreman me hours …"]),
    ").",
  ]);
  return [dl, how];
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
