// Foreman web dashboard: plain ES module, no build step. Every API string reaches the page through
// textContent (never innerHTML); errors from the API are shown in the #banner (role=alert).

const KEY_STORAGE = "foreman.apiKey";
const TENANT_STORAGE = "foreman.tenant";
const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** @param {string} id */
function $(id) {
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
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children)
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  return node;
}

/** @param {unknown} value */
function text(value) {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "string" ? value : String(value);
}

/** @param {unknown} value */
function when(value) {
  if (typeof value !== "string") return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** A table cell labelled for the stacked-card layout (the label is a static string). */
function cell(label, content) {
  const td = el("td", { "data-label": label });
  if (content instanceof Node) td.append(content);
  else td.textContent = text(content);
  return td;
}

function status(value) {
  const s = text(value);
  return el("span", { class: `status status-${s.replace(/[^a-z-]/g, "")}` }, [s]);
}

// ------------------------------------------------------------------ banner and notices

function showError(message) {
  $("banner-text").textContent = message;
  $("banner").hidden = false;
}

function clearError() {
  $("banner").hidden = true;
  $("banner-text").textContent = "";
}

function notify(message) {
  $("notice").textContent = message;
}

// ------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

function tenant() {
  return sessionStorage.getItem(TENANT_STORAGE) ?? "";
}

/**
 * Call the API with the stored key (and tenant); resolves with the JSON body, rejects with an
 * ApiError carrying the API's own error message.
 * @param {"GET" | "POST"} method
 * @param {string} path
 */
async function api(method, path) {
  const headers = new Headers({ Accept: "application/json" });
  const key = apiKey();
  if (key) headers.set("Authorization", `Bearer ${key}`);
  const t = tenant();
  if (t) headers.set("X-Foreman-Tenant", t);
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: "omit", cache: "no-store" });
  } catch (err) {
    throw new ApiError(
      0,
      "network",
      `Network error calling ${path}: ${err instanceof Error ? err.message : err}`,
    );
  }
  const raw = await res.text();
  let body = null;
  try {
    body = raw ? JSON.parse(raw) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const error = body && typeof body === "object" ? body.error : undefined;
    const message =
      error && typeof error.message === "string"
        ? error.message
        : `${res.status} ${res.statusText || "error"}`;
    const code = error && typeof error.code === "string" ? error.code : "http";
    throw new ApiError(res.status, code, `${method} ${path} failed (${res.status}): ${message}`);
  }
  return body;
}

/** Run an action; any failure goes to the banner. A 401 signs out (the key is not valid). */
async function guarded(action) {
  try {
    await action();
  } catch (err) {
    showError(err instanceof Error ? err.message : String(err));
    if (err instanceof ApiError && err.status === 401) signOut(false);
  }
}

// ------------------------------------------------------------------ views

const VIEWS = ["workflows", "agents", "deliveries"];
let currentView = "workflows";

function fill(bodyId, emptyId, rows) {
  $(bodyId).replaceChildren(...rows);
  $(emptyId).hidden = rows.length > 0;
}

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

async function loadWorkflows() {
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
  if (h.lastError) parts.push(`last error: ${text(h.lastError)}`);
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

async function loadAgents() {
  const body = await api("GET", "/api/agents");
  const list = Array.isArray(body?.agents) ? body.agents : [];
  fill("agents-body", "agents-empty", list.map(agentRow));
}

function preview(value) {
  let s;
  try {
    s = JSON.stringify(value);
  } catch {
    s = String(value);
  }
  if (s === undefined) return "—";
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

function outboxRow(entry) {
  return el("tr", {}, [
    cell("ID", el("code", {}, [text(entry.id)])),
    cell("Platform", entry.platform),
    cell("Action", entry.action),
    cell("Body", el("code", { class: "body" }, [preview(entry.body)])),
    cell("Created", when(entry.createdAt)),
  ]);
}

function deadRow(dl) {
  const id = text(dl.id);
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
  return el("tr", {}, [
    cell("ID", el("code", {}, [id])),
    cell("Platform", dl.platform),
    cell("Action", dl.action),
    cell("Reason", dl.lastError ? `${text(dl.reason)}: ${text(dl.lastError)}` : dl.reason),
    cell("Attempts", dl.attempts),
    cell("Failed", when(dl.failedAt)),
    cell("Replays", dl.replayCount),
    cell("Actions", btn),
  ]);
}

async function loadDeliveries() {
  const [outbox, dead] = await Promise.all([api("GET", "/api/outbox"), api("GET", "/api/deliveries/dead")]);
  const entries = Array.isArray(outbox?.entries) ? outbox.entries : [];
  const letters = Array.isArray(dead?.deadLetters) ? dead.deadLetters : [];
  fill("outbox-body", "outbox-empty", entries.map(outboxRow));
  fill("dead-body", "dead-empty", letters.map(deadRow));
}

const LOADERS = { workflows: loadWorkflows, agents: loadAgents, deliveries: loadDeliveries };

function showView(view) {
  currentView = VIEWS.includes(view) ? view : "workflows";
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== currentView;
  for (const tab of document.querySelectorAll(".tab")) {
    tab.setAttribute("aria-pressed", String(tab.getAttribute("data-view") === currentView));
  }
  return guarded(async () => {
    await LOADERS[currentView]();
    clearError();
  });
}

// ------------------------------------------------------------------ sign in / out

function setTenant(value) {
  const t = value.trim();
  if (t && !TENANT_PATTERN.test(t)) {
    showError("Tenant: use 1-63 lower-case letters, digits or dashes.");
    return false;
  }
  if (t) sessionStorage.setItem(TENANT_STORAGE, t);
  else sessionStorage.removeItem(TENANT_STORAGE);
  return true;
}

function showSignedIn(signedIn) {
  $("signin").hidden = signedIn;
  $("app").hidden = !signedIn;
  $("nav").hidden = !signedIn;
}

function signOut(clearBanner = true) {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(TENANT_STORAGE);
  for (const id of ["workflows-body", "agents-body", "outbox-body", "dead-body"]) $(id).replaceChildren();
  if (clearBanner) clearError();
  notify("Signed out.");
  showSignedIn(false);
  $("api-key").focus();
}

function init() {
  const keyInput = /** @type {HTMLInputElement} */ ($("api-key"));
  const signinTenant = /** @type {HTMLInputElement} */ ($("signin-tenant"));
  const tenantInput = /** @type {HTMLInputElement} */ ($("tenant"));

  $("banner-close").addEventListener("click", clearError);

  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) {
      showError("Enter an API key.");
      return;
    }
    if (!setTenant(signinTenant.value)) return;
    sessionStorage.setItem(KEY_STORAGE, key);
    keyInput.value = "";
    tenantInput.value = tenant();
    showSignedIn(true);
    notify("Signed in.");
    void showView("workflows");
  });

  $("toolbar").addEventListener("submit", (event) => {
    event.preventDefault();
    if (setTenant(tenantInput.value)) void showView(currentView);
  });
  $("refresh").addEventListener("click", () => void showView(currentView));
  $("signout").addEventListener("click", () => signOut());
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => void showView(tab.getAttribute("data-view") ?? "workflows"));
  }

  if (apiKey()) {
    tenantInput.value = tenant();
    showSignedIn(true);
    void showView("workflows");
  } else {
    showSignedIn(false);
  }
}

init();
