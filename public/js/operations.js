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

/** The API pages only by `limit` (newest first): "Load more" asks for this many more. */
const STEP = 25;
const MAX_LIMIT = 1000;
const deliveries = { limit: STEP, entries: [], letters: [] };

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
        await loadDeliveries();
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

function filtered() {
  const form = /** @type {HTMLFormElement} */ ($("deliveries-filters"));
  const platform = /** @type {HTMLSelectElement} */ (form.elements.namedItem("platform")).value;
  const kind = /** @type {HTMLSelectElement} */ (form.elements.namedItem("kind")).value;
  const since = /** @type {HTMLSelectElement} */ (form.elements.namedItem("since")).value;
  const fromMs = Object.hasOwn(SINCE_MS, since) ? Date.now() - SINCE_MS[since] : null;
  const all = [
    ...deliveries.entries.map((e) => ({ ...e, kind: "outbox", at: e.createdAt })),
    ...deliveries.letters.map((l) => ({ ...l, kind: "dead", at: l.failedAt })),
  ];
  return all
    .filter((d) => platform === "" || d.platform === platform)
    .filter((d) => kind === "" || d.kind === kind)
    .filter((d) => fromMs === null || Date.parse(d.at) >= fromMs)
    .sort((a, b) => String(b.at).localeCompare(String(a.at)));
}

function drawDeliveries() {
  const shown = filtered();
  fill("deliveries-list", "deliveries-empty", shown.map(deliveryCard));
  const loaded = deliveries.entries.length + deliveries.letters.length;
  const more =
    deliveries.limit < MAX_LIMIT &&
    (deliveries.entries.length >= deliveries.limit || deliveries.letters.length >= deliveries.limit);
  $("deliveries-count").textContent =
    `${shown.length} shown of ${loaded} loaded (the newest ${deliveries.limit} of each list)` +
    (more ? "; older ones: Load more." : ".");
  /** @type {HTMLButtonElement} */ ($("deliveries-more")).hidden = !more;
}

export async function loadDeliveries() {
  const q = `?limit=${deliveries.limit}`;
  const [outbox, dead] = await Promise.all([
    api("GET", `/api/outbox${q}`),
    api("GET", `/api/deliveries/dead${q}`),
  ]);
  deliveries.entries = Array.isArray(outbox?.entries) ? outbox.entries : [];
  deliveries.letters = Array.isArray(dead?.deadLetters) ? dead.deadLetters : [];
  drawDeliveries();
}

/** Filters redraw what is loaded; "Load more" asks the API for the next step. Once, at start. */
export function initDeliveries() {
  const form = $("deliveries-filters");
  form.addEventListener("change", drawDeliveries);
  form.addEventListener("submit", (event) => event.preventDefault());
  $("deliveries-more").addEventListener("click", () =>
    guarded(async () => {
      deliveries.limit = Math.min(MAX_LIMIT, deliveries.limit + STEP);
      await loadDeliveries();
    }),
  );
}

/** Signed out: nothing of the last tenant stays. */
export function clearDeliveries() {
  deliveries.limit = STEP;
  deliveries.entries = [];
  deliveries.letters = [];
  $("deliveries-list").replaceChildren();
  $("deliveries-count").textContent = "";
}
