// Workflows, agents (health, pause / resume / terminate) and deliveries (outbox, dead letters), the
// deliveries drawn as chat messages (./render-chat.js) with their JSON behind a disclosure.
import { api, guarded } from "./api.js";
import { $, cell, el, fill, notify, status, text, when } from "./dom.js";
import { renderDelivery } from "./render-chat.js";

function workflowRow(wf) {
  return el("tr", {}, [
    cell("ID", el("code", {}, [text(wf.workflowId)])),
    cell("Name", wf.name),
    cell("Priority", wf.priority),
    cell("Status", status(wf.status)),
    cell("Agents", Array.isArray(wf.agents) ? wf.agents.length : 0),
    cell("Updated", when(wf.updatedAt)),
  ]);
}

export async function loadWorkflows() {
  const body = await api("GET", "/api/workflows");
  const list = Array.isArray(body?.workflows) ? body.workflows : [];
  fill("workflows-body", "workflows-empty", list.map(workflowRow));
}

function healthSummary(h) {
  const parts = [
    h.healthy ? "healthy" : "unhealthy",
    `inbox ${text(h.inboxDepth)}`,
    `running ${text(h.runningTasks)}`,
    `done ${text(h.tasksDone)}`,
    `failed ${text(h.tasksFailed)}`,
  ];
  if (h.lastError) parts.push(`last error: ${text(h.lastError.message ?? h.lastError)}`);
  return parts.join(" · ");
}

function agentRow(agent) {
  const id = text(agent.agentId);
  const path = encodeURIComponent(id);
  const row = el("tr", { "data-agent": id });
  const healthOut = el("span", { class: "health" });
  const healthBtn = el("button", { type: "button", class: "small", "aria-label": `Check health of ${id}` }, [
    "Check",
  ]);
  healthBtn.addEventListener("click", () =>
    guarded(async () => {
      healthBtn.disabled = true;
      try {
        const h = await api("GET", `/api/agents/health/${path}`);
        healthOut.textContent = healthSummary(h ?? {});
        healthOut.classList.toggle("bad", !h?.healthy);
      } finally {
        healthBtn.disabled = false;
      }
    }),
  );
  const actions = el("div", { class: "actions" });
  for (const [action, label] of [
    ["pause", "Pause"],
    ["resume", "Resume"],
    ["terminate", "Terminate"],
  ]) {
    const btn = el("button", { type: "button", class: "small", "aria-label": `${label} ${id}` }, [label]);
    if (action === "terminate") btn.classList.add("danger");
    btn.disabled =
      agent.status === "terminated" ||
      (action === "pause" && agent.status === "paused") ||
      (action === "resume" && agent.status === "running");
    btn.addEventListener("click", () =>
      guarded(async () => {
        if (action === "terminate" && !window.confirm(`Terminate agent ${id}?`)) return;
        btn.disabled = true;
        try {
          const updated = await api("POST", `/api/agents/${action}/${path}`);
          row.replaceWith(agentRow(updated ?? agent));
          notify(`Agent ${id}: ${text(updated?.status)}`);
        } finally {
          btn.disabled = false;
        }
      }),
    );
    actions.append(btn);
  }
  row.append(
    cell("ID", el("code", {}, [id])),
    cell("Type", agent.type),
    cell("Workflow", el("code", {}, [text(agent.workflowId)])),
    cell("Status", status(agent.status)),
    cell("Health", el("div", { class: "health-cell" }, [healthBtn, healthOut])),
    cell("Actions", actions),
  );
  return row;
}

export async function loadAgents() {
  const body = await api("GET", "/api/agents");
  const list = Array.isArray(body?.agents) ? body.agents : [];
  fill("agents-body", "agents-empty", list.map(agentRow));
}

// ------------------------------------------------------------------ deliveries

/** Each list comes a page at a time, newest first: "Load more" asks for the page after its cursor. */
const PAGE = 25;
const MAX_LIMIT = 1000;
const LISTS = {
  outbox: { path: "/api/outbox", field: "entries", into: "entries" },
  dead: { path: "/api/deliveries/dead", field: "deadLetters", into: "letters" },
};
const deliveries = {
  /** The lists the State filter shows, and the filters (platform, since) their pages were asked with. */
  lists: ["outbox", "dead"],
  filters: "",
  entries: [],
  letters: [],
  /** Each list's `nextCursor`; null: nothing older (or not asked). */
  next: { outbox: null, dead: null },
  /** Bumped when the lists start again: pages asked for before are dropped. */
  generation: 0,
  /** The first pages after a change are on their way (what is shown is what still matches). */
  starting: false,
  loading: false,
};

const SINCE_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** Where a message goes, as the body names it. */
function destination(body) {
  const b = body && typeof body === "object" ? body : {};
  const to = b.channel ?? b.channel_id ?? b.user_id ?? b.recipient_id;
  return typeof to === "string" ? to : null;
}

/** A call to GitHub or Linear in one line: its short plain fields (`owner: acme · pull_number: 42`). */
function summary(body) {
  const b = body && typeof body === "object" ? body : {};
  const parts = [];
  for (const [k, v] of Object.entries(b)) {
    const value = Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join(", ") : v;
    if (["string", "number", "boolean"].includes(typeof value) && String(value).length <= 80) {
      parts.push(`${k}: ${value}`);
    }
    if (parts.length === 6) break;
  }
  return el("p", { class: "delivery-summary" }, [parts.length ? parts.join(" · ") : "Not a chat message."]);
}

function jsonDetails(value) {
  let json;
  try {
    json = JSON.stringify(value, null, 2);
  } catch {
    json = String(value);
  }
  return el("details", { class: "payload" }, [
    el("summary", {}, ["Show JSON"]),
    el("pre", {}, [json ?? "—"]),
  ]);
}

function replayButton(id) {
  const btn = el("button", { type: "button", class: "small", "aria-label": `Replay dead letter ${id}` }, [
    "Replay",
  ]);
  btn.addEventListener("click", () =>
    guarded(async () => {
      btn.disabled = true;
      try {
        const res = await api("POST", `/api/deliveries/dead/${encodeURIComponent(id)}/replay`);
        notify(`Dead letter ${id} replayed as delivery ${text(res?.deliveryId)}`);
        await reloadDeliveries();
      } finally {
        btn.disabled = false;
      }
    }),
  );
  return btn;
}

/** One delivery as a card: what, where and when, the message drawn, its JSON on demand. */
function deliveryCard(d) {
  const id = text(d.id);
  const to = destination(d.body);
  const meta = [text(d.platform), text(d.action)];
  if (to) meta.push(`to ${to}`);
  const node = el("li", { class: `delivery delivery-${d.kind}`, "data-delivery": id }, [
    el("div", { class: "delivery-meta" }, [
      status(d.kind === "dead" ? "dead" : "kept", d.kind === "dead" ? "dead letter" : "outbox"),
      el("span", {}, [` ${meta.join(" · ")}`]),
      el("span", { class: "hint" }, [` · ${when(d.at)}`]),
    ]),
  ]);
  if (d.kind === "dead") {
    const why = d.lastError ? `${text(d.reason)}: ${text(d.lastError)}` : text(d.reason);
    node.append(
      el("p", { class: "delivery-why" }, [
        `${why} · ${text(d.attempts)} attempts · replayed ${text(d.replayCount)}×`,
      ]),
    );
  }
  node.append(renderDelivery(d.platform, d.body) ?? summary(d.body));
  const actions = el("div", { class: "actions" }, [jsonDetails(d.body)]);
  if (d.kind === "dead") actions.append(replayButton(id));
  node.append(actions);
  return node;
}

/** The filters chosen: platform and time go to the server, the State filter picks the lists. */
function chosen() {
  const form = /** @type {HTMLFormElement} */ ($("deliveries-filters"));
  const value = (name) => /** @type {HTMLSelectElement} */ (form.elements.namedItem(name)).value;
  const platform = value("platform");
  const kind = value("kind");
  const since = value("since");
  const fromMs = Object.hasOwn(SINCE_MS, since) ? Date.now() - SINCE_MS[since] : null;
  const params = new URLSearchParams();
  if (platform) params.set("platform", platform);
  if (fromMs !== null) params.set("since", new Date(fromMs).toISOString());
  const lists = kind === "" ? ["outbox", "dead"] : [kind];
  return { platform, lists, fromMs, filters: params.toString() };
}

function loaded() {
  return [
    ...deliveries.entries.map((e) => ({ ...e, kind: "outbox", at: e.createdAt })),
    ...deliveries.letters.map((l) => ({ ...l, kind: "dead", at: l.failedAt })),
  ].sort((a, b) => String(b.at).localeCompare(String(a.at)));
}

function drawDeliveries() {
  const shown = loaded();
  fill("deliveries-list", "deliveries-empty", shown.map(deliveryCard));
  if (deliveries.starting) $("deliveries-empty").hidden = true;
  const more = deliveries.lists.some((list) => deliveries.next[list] !== null);
  $("deliveries-count").textContent = deliveries.starting
    ? "Loading…"
    : `${shown.length} shown, newest first (pages of ${PAGE})${more ? "; older ones: Load more." : "."}`;
  /** @type {HTMLButtonElement} */ ($("deliveries-more")).hidden = !more;
}

/**
 * Asks each of `lists` for a page: its first `sizes[list]` (default a page; replacing what is shown),
 * or with `after`, the page after its cursor (appended). A page that arrives after the lists started
 * again is dropped.
 */
async function fetchPages(lists, { after = false, sizes = {} } = {}) {
  const generation = deliveries.generation;
  const pages = await Promise.all(
    lists.map(async (list) => {
      const params = new URLSearchParams(deliveries.filters);
      params.set("limit", String(sizes[list] ?? PAGE));
      if (after) params.set("cursor", deliveries.next[list] ?? "");
      return { list, body: await api("GET", `${LISTS[list].path}?${params}`) };
    }),
  );
  if (generation !== deliveries.generation) return;
  deliveries.starting = false;
  for (const { list, body } of pages) {
    const items = Array.isArray(body?.[LISTS[list].field]) ? body[LISTS[list].field] : [];
    const into = LISTS[list].into;
    deliveries[into] = after ? [...deliveries[into], ...items] : items;
    deliveries.next[list] = typeof body?.nextCursor === "string" ? body.nextCursor : null;
  }
  drawDeliveries();
}

/** The lists asked again from the newest (what was asked before is dropped); "Loading…" ends however it ends. */
async function startOver(lists, options) {
  deliveries.generation += 1;
  const generation = deliveries.generation;
  try {
    await fetchPages(lists, options);
  } finally {
    if (generation === deliveries.generation && deliveries.starting) {
      deliveries.starting = false;
      drawDeliveries();
    }
  }
}

/**
 * The lists from the newest, with the filters chosen. What is loaded and still matches stays shown
 * until the first pages replace it.
 */
export async function loadDeliveries() {
  const { platform, lists, fromMs, filters } = chosen();
  const keep = (d, at) =>
    (platform === "" || d.platform === platform) && (fromMs === null || Date.parse(at) >= fromMs);
  deliveries.lists = lists;
  deliveries.filters = filters;
  deliveries.entries = lists.includes("outbox") ? deliveries.entries.filter((e) => keep(e, e.createdAt)) : [];
  deliveries.letters = lists.includes("dead") ? deliveries.letters.filter((l) => keep(l, l.failedAt)) : [];
  deliveries.next = { outbox: null, dead: null };
  deliveries.starting = true;
  drawDeliveries();
  await startOver(lists);
}

/** After a replay: the same lists and filters again from the newest, as many as were loaded. */
async function reloadDeliveries() {
  const size = (n) => Math.min(MAX_LIMIT, Math.max(PAGE, n));
  await startOver(deliveries.lists, {
    sizes: { outbox: size(deliveries.entries.length), dead: size(deliveries.letters.length) },
  });
}

/** Filters ask the server again (from the newest); "Load more" asks for each list's next page. Once, at start. */
export function initDeliveries() {
  const form = $("deliveries-filters");
  form.addEventListener("change", () => guarded(loadDeliveries));
  form.addEventListener("submit", (event) => event.preventDefault());
  const more = /** @type {HTMLButtonElement} */ ($("deliveries-more"));
  more.addEventListener("click", () =>
    guarded(async () => {
      if (deliveries.loading) return;
      deliveries.loading = true;
      more.disabled = true;
      try {
        await fetchPages(
          deliveries.lists.filter((list) => deliveries.next[list] !== null),
          { after: true },
        );
      } finally {
        deliveries.loading = false;
        more.disabled = false;
      }
    }),
  );
}

/** Signed out: nothing of the last tenant stays. */
export function clearDeliveries() {
  deliveries.generation += 1;
  deliveries.starting = false;
  deliveries.entries = [];
  deliveries.letters = [];
  deliveries.next = { outbox: null, dead: null };
  $("deliveries-list").replaceChildren();
  $("deliveries-count").textContent = "";
}
