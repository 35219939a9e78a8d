// Workflows, agents (health, pause / resume / terminate) and deliveries (outbox, dead letters).
import { api, guarded } from "./api.js";
import { cell, el, fill, notify, status, text, when } from "./dom.js";

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

export async function loadDeliveries() {
  const [outbox, dead] = await Promise.all([api("GET", "/api/outbox"), api("GET", "/api/deliveries/dead")]);
  const entries = Array.isArray(outbox?.entries) ? outbox.entries : [];
  const letters = Array.isArray(dead?.deadLetters) ? dead.deadLetters : [];
  fill("outbox-body", "outbox-empty", entries.map(outboxRow));
  fill("dead-body", "dead-empty", letters.map(deadRow));
}
