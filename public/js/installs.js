// The Installs view of the signed-in tenant (docs/install.md): its installs (GET
// /api/tenants/{id}/installations), single-use Slack invites (POST / GET /api/tenants/{id}/invites;
// the new invite's link is shown once, here only) and connect links for GitHub, Linear and Discord
// (POST /api/tenants/{id}/connect/{platform}: a link the user opens). The tenant: a tenant key's own
// (from GET /api/keys, which lists only its tenant's keys); the bootstrap key's is the one named in
// the toolbar, else the default tenant — as for every other view.
import { api, apiKey, guarded, tenant } from "./api.js";
import { $, cell, el, fill, notify, safeLink, status, text, when } from "./dom.js";

const DEFAULT_TENANT = "default";
const TENANT_KEY_PREFIX = "fmn_";
const PLATFORMS = { slack: "Slack", github: "GitHub", linear: "Linear", discord: "Discord" };
const EXPIRY_HOURS = new Set(["24", "168", "720"]);

/** The tenant a tenant key belongs to, looked up once per key. */
let keyTenant = { key: "", tenant: "" };

/** The tenant this view acts on. */
async function tenantId() {
  const key = apiKey() ?? "";
  // A chat sign-in session (no key) acts on its own tenant, which the toolbar shows read-only.
  if (!key) return /** @type {HTMLInputElement} */ ($("tenant")).value || DEFAULT_TENANT;
  if (!key.startsWith(TENANT_KEY_PREFIX)) return tenant() || DEFAULT_TENANT;
  if (keyTenant.key !== key) {
    const body = await api("GET", "/api/keys");
    const keys = Array.isArray(body?.keys) ? body.keys : [];
    const own = keys.find((k) => typeof k?.tenant === "string")?.tenant;
    if (!own) throw new Error("Could not tell this key's tenant: GET /api/keys listed no key.");
    keyTenant = { key, tenant: own };
  }
  return keyTenant.tenant;
}

const tenantPath = (id) => `/api/tenants/${encodeURIComponent(id)}`;
const platformName = (p) => (typeof p === "string" && Object.hasOwn(PLATFORMS, p) ? PLATFORMS[p] : text(p));

// ------------------------------------------------------------------ installs

function stateNode(install) {
  if (!install.revokedAt) return status("active");
  const reason = install.revokedReason ? text(install.revokedReason) : "no reason given";
  return el("span", { class: "revoked" }, [`revoked (${reason}, ${when(install.revokedAt)})`]);
}

function installRow(install) {
  const name = el("span", { class: "install-name" }, [text(install.name)]);
  if (install.installer) name.append(el("span", { class: "hint" }, [` by ${text(install.installer)}`]));
  const repos = install.platform === "github" ? install.repositories : null;
  return el(
    "tr",
    {
      class: install.revokedAt ? "install revoked-row" : "install",
      "data-install": `${text(install.platform)}:${text(install.account)}`,
    },
    [
      cell("Platform", platformName(install.platform)),
      cell("Name", name),
      cell("Account", el("code", {}, [text(install.account)])),
      cell("Installed", when(install.installedAt)),
      cell("Updated", when(install.updatedAt)),
      cell("Repositories", typeof repos === "number" ? String(repos) : "—"),
      cell("State", stateNode(install)),
    ],
  );
}

// ------------------------------------------------------------------ invites

function inviteState(invite) {
  if (invite.usedAt) {
    const by = invite.usedBy ? ` by ${text(invite.usedBy)}` : "";
    return el("span", { class: "invite-state" }, [
      status("used"),
      el("span", { class: "hint" }, [` ${when(invite.usedAt)}${by}`]),
    ]);
  }
  const expires = Date.parse(typeof invite.expiresAt === "string" ? invite.expiresAt : "");
  if (Number.isFinite(expires) && expires <= Date.now()) return status("expired");
  return status("open");
}

function inviteRow(invite) {
  const created = invite.createdBy
    ? `${when(invite.createdAt)} by ${text(invite.createdBy)}`
    : when(invite.createdAt);
  return el("tr", { class: "invite", "data-invite": text(invite.id) }, [
    cell("Invite", el("code", {}, [text(invite.id)])),
    cell("Created", created),
    cell("Expires", when(invite.expiresAt)),
    cell("State", inviteState(invite)),
  ]);
}

async function loadInvites(id) {
  const body = await api("GET", `${tenantPath(id)}/invites`);
  const invites = Array.isArray(body?.invites) ? body.invites : [];
  fill("invites-body", "invites-empty", invites.map(inviteRow));
}

/** Copy the link; without the clipboard API (or permission) select it for the user to copy. */
async function copyLink(input, out) {
  try {
    if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
    await navigator.clipboard.writeText(input.value);
    out.textContent = "Copied.";
  } catch {
    input.focus();
    input.select();
    out.textContent = "Selected: copy it with Ctrl+C (⌘C).";
  }
}

/** The new invite: its link (shown only now), a Copy button, and when it stops working. */
function newInviteNode(invite, forTenant) {
  const input = /** @type {HTMLInputElement} */ (
    el("input", {
      id: "invite-url",
      type: "text",
      readonly: "",
      spellcheck: "false",
      "aria-label": "Invite link",
    })
  );
  input.value = text(invite.url);
  input.addEventListener("focus", () => input.select());
  const copied = el("span", { id: "invite-copied", class: "hint", role: "status" });
  const copy = el("button", { type: "button", class: "small" }, ["Copy"]);
  copy.addEventListener("click", () => void copyLink(input, copied));
  return el("div", { class: "new-invite" }, [
    el("p", {}, [
      `Invite for tenant ${forTenant}: send this link to the Slack workspace's admin. It works once, `,
      `until ${when(invite.expiresAt)}, and is shown only now.`,
    ]),
    el("div", { class: "copy-row" }, [input, copy]),
    copied,
  ]);
}

// ------------------------------------------------------------------ the view

export async function loadInstalls() {
  const id = await tenantId();
  const key = apiKey();
  const named = !key || key.startsWith(TENANT_KEY_PREFIX) || tenant();
  $("installs-tenant").textContent = named
    ? `Tenant: ${id}`
    : `Tenant: ${id} (the bootstrap key's; with FOREMAN_DEFAULT_TENANT set, name that tenant above)`;
  const out = $("invite-out");
  // A shown invite link stays until the tenant changes (or sign-out).
  if (out.dataset.tenant !== id) {
    out.replaceChildren();
    delete out.dataset.tenant;
  }
  const [body] = await Promise.all([api("GET", `${tenantPath(id)}/installations`), loadInvites(id)]);
  const installs = Array.isArray(body?.installations) ? body.installations : [];
  fill("installs-body", "installs-empty", installs.map(installRow));
}

function createInvite(event) {
  event.preventDefault();
  const submit = /** @type {HTMLButtonElement} */ ($("invite-create"));
  const hours = /** @type {HTMLSelectElement} */ ($("invite-expiry")).value;
  const out = $("invite-out");
  submit.disabled = true;
  void guarded(async () => {
    const id = await tenantId();
    const body = EXPIRY_HOURS.has(hours) ? { expiresInHours: Number(hours) } : {};
    const invite = await api("POST", `${tenantPath(id)}/invites`, body);
    out.replaceChildren(newInviteNode(invite ?? {}, id));
    out.dataset.tenant = id;
    notify("Invite created.");
    await loadInvites(id);
  }, out).finally(() => {
    submit.disabled = false;
  });
}

function connect(platform) {
  const out = $("connect-out");
  const button = /** @type {HTMLButtonElement} */ ($(`connect-${platform}`));
  button.disabled = true;
  void guarded(async () => {
    const id = await tenantId();
    const body = await api("POST", `${tenantPath(id)}/connect/${platform}`);
    const minutes = typeof body?.expiresInSeconds === "number" ? Math.round(body.expiresInSeconds / 60) : 15;
    const link = safeLink(body?.url, `Open the ${PLATFORMS[platform]} install page`);
    if (link instanceof HTMLElement) link.id = "connect-link";
    out.replaceChildren(
      el("p", { class: "connect-link" }, [
        link,
        el("span", { class: "hint" }, [` — for tenant ${id}; works once, for ${minutes} minutes.`]),
      ]),
    );
    out.hidden = false;
    if (link instanceof HTMLElement) link.focus();
  }, out).finally(() => {
    button.disabled = false;
  });
}

/** Wire the view's controls (once, at start). */
export function initInstalls() {
  $("invite-form").addEventListener("submit", createInvite);
  for (const platform of ["github", "linear", "discord"]) {
    $(`connect-${platform}`).addEventListener("click", () => connect(platform));
  }
}

/** Forget what the view showed (sign-out). */
export function clearInstalls() {
  for (const id of ["installs-body", "invites-body", "invite-out", "connect-out"]) $(id).replaceChildren();
  delete $("invite-out").dataset.tenant;
  $("installs-tenant").textContent = "";
  keyTenant = { key: "", tenant: "" };
}
