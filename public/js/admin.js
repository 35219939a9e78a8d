// The Admin view's own pages (the rest, Workflows, Agents and Installs, are operations.js and
// installs.js): API keys (GET /api/keys, POST /api/keys — the new key shown once, here only — and
// DELETE /api/keys/{id}) and the audit log (GET /api/audit?limit=, newest first, "Show more" asks for
// more). Both need an admin key or session; the API's refusal is shown as it says it.
import { api, apiKey, guarded, tenant } from "./api.js";
import { $, cell, el, fill, notify, status, text, when } from "./dom.js";

const TENANT_KEY_PREFIX = "fmn_";
const ROLES = new Set(["admin", "operator", "viewer"]);
const AUDIT_PAGE = 50;
const AUDIT_MAX = 1000;

let auditLimit = AUDIT_PAGE;
/** The tenant the listed keys belong to (a tenant key or a session lists its own only). */
let listedTenant = "";

/** The tenant a new key is for: the bootstrap key's chosen one (else default), otherwise its own. */
function keyTenant() {
  const key = apiKey() ?? "";
  if (key && !key.startsWith(TENANT_KEY_PREFIX)) return tenant() || "default";
  return listedTenant || /** @type {HTMLInputElement} */ ($("tenant")).value || "default";
}

// ------------------------------------------------------------------ keys

function keyRow(k) {
  const id = text(k.id);
  const revoke = el("button", { type: "button", class: "small danger", "aria-label": `Revoke key ${id}` }, [
    "Revoke",
  ]);
  if (k.revokedAt) revoke.disabled = true;
  revoke.addEventListener("click", () => {
    if (!window.confirm(`Revoke API key ${id}? It stops working at once.`)) return;
    revoke.disabled = true;
    void guarded(async () => {
      await api("DELETE", `/api/keys/${encodeURIComponent(id)}`);
      notify(`Revoked API key ${id}.`);
      await loadKeys();
    }).then((ok) => {
      if (!ok) revoke.disabled = false;
    });
  });
  return el("tr", { "data-key": id }, [
    cell("ID", el("code", {}, [id])),
    cell("Name", k.name),
    cell("Tenant", k.tenant),
    cell("Role", k.role),
    cell("Created", when(k.createdAt)),
    cell("Last used", k.lastUsedAt ? when(k.lastUsedAt) : "never"),
    cell("State", k.revokedAt ? status("revoked", `revoked ${when(k.revokedAt)}`) : status("active")),
    cell("Actions", revoke),
  ]);
}

/** The keys as listed now (the one just created, too). */
async function listKeys() {
  const body = await api("GET", "/api/keys");
  const keys = Array.isArray(body?.keys) ? body.keys : [];
  listedTenant = keys.find((k) => typeof k?.tenant === "string")?.tenant ?? "";
  fill("keys-body", "keys-empty", keys.map(keyRow));
  $("keys-tenant").textContent = `New keys are for tenant ${keyTenant()}.`;
}

export async function loadKeys() {
  // A new key is shown once: gone when the view is shown again.
  $("key-out").replaceChildren();
  await listKeys();
}

function shownOnce(created) {
  const input = el("input", {
    id: "new-key",
    type: "text",
    readonly: "",
    spellcheck: "false",
    autocomplete: "off",
    value: text(created.key),
  });
  return el("div", { class: "new-key" }, [
    el("label", { for: "new-key" }, [
      `New ${text(created.role)} key ${text(created.id)} for ${text(created.tenant)}`,
    ]),
    input,
    el("p", { class: "hint" }, ["Copy it now: it is shown only here, once, and stored only as a hash."]),
  ]);
}

function initKeyForm() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const role = /** @type {HTMLSelectElement} */ ($("key-role")).value;
    const name = /** @type {HTMLInputElement} */ ($("key-name")).value.trim();
    const out = $("key-out");
    out.replaceChildren();
    if (!ROLES.has(role)) return;
    void guarded(async () => {
      const created = await api("POST", "/api/keys", {
        tenant: keyTenant(),
        role,
        ...(name ? { name } : {}),
      });
      out.replaceChildren(shownOnce(created));
      /** @type {HTMLInputElement} */ ($("key-name")).value = "";
      notify(`Created API key ${text(created.id)}.`);
      await listKeys();
      /** @type {HTMLInputElement} */ ($("new-key")).select();
    }, out);
  });
}

// ------------------------------------------------------------------ audit log

function auditRow(e) {
  const code = Number(e.status);
  return el("tr", {}, [
    cell("When", when(e.at)),
    cell("Key", el("code", {}, [text(e.keyId)])),
    cell("Action", e.action),
    cell("Target", e.target),
    cell("Status", status(code >= 400 ? "failed" : "ok", text(e.status))),
    cell("Correlation", el("code", {}, [text(e.correlationId)])),
  ]);
}

async function showAudit() {
  const body = await api("GET", `/api/audit?limit=${auditLimit}`);
  const entries = Array.isArray(body?.entries) ? body.entries : [];
  fill("audit-body", "audit-empty", entries.map(auditRow));
  $("audit-count").textContent = `${entries.length} most recent entr${entries.length === 1 ? "y" : "ies"}.`;
  $("audit-more").hidden = entries.length < auditLimit || auditLimit >= AUDIT_MAX;
}

export async function loadAudit() {
  auditLimit = AUDIT_PAGE;
  await showAudit();
}

// ------------------------------------------------------------------ set up / sign out

export function initAdmin() {
  initKeyForm();
  $("audit-more").addEventListener("click", () => {
    auditLimit = Math.min(auditLimit + AUDIT_PAGE, AUDIT_MAX);
    void guarded(showAudit);
  });
}

export function clearAdmin() {
  for (const id of ["keys-body", "key-out", "audit-body"]) $(id).replaceChildren();
  $("keys-tenant").textContent = "";
  $("audit-count").textContent = "";
  $("audit-more").hidden = true;
  listedTenant = "";
}
