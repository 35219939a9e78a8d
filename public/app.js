// Foreman web dashboard: plain ES modules (public/js), no bundler. Every API string reaches the page
// through text nodes / textContent (never innerHTML); API errors are shown (banner or in the panel).
import {
  apiKey,
  currentSession,
  endSession,
  guarded,
  setApiKey,
  setStoredTenant,
  setUnauthorizedHandler,
  tenant,
} from "./js/api.js";
import { loadCharts, unloadCharts } from "./js/charts.js";
import { loadDigests } from "./js/digests.js";
import { $, clearError, notify, showError } from "./js/dom.js";
import { clearInstalls, initInstalls, loadInstalls } from "./js/installs.js";
import { loadAgents, loadDeliveries, loadWorkflows } from "./js/operations.js";
import { loadReviews } from "./js/reviews.js";

const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

const LOADERS = {
  workflows: loadWorkflows,
  agents: loadAgents,
  reviews: loadReviews,
  digests: loadDigests,
  charts: loadCharts,
  deliveries: loadDeliveries,
  installs: loadInstalls,
};
const VIEWS = Object.keys(LOADERS);
/** Views that show their own errors in place (the banner is for the rest). */
const IN_PLACE = new Set(["charts"]);
let currentView = "workflows";

function showView(view) {
  currentView = VIEWS.includes(view) ? view : "workflows";
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== currentView;
  for (const tab of document.querySelectorAll(".tab")) {
    tab.setAttribute("aria-pressed", String(tab.getAttribute("data-view") === currentView));
  }
  if (currentView !== "charts") unloadCharts();
  const shown = currentView;
  const section = $(`view-${shown}`);
  section.setAttribute("aria-busy", "true");
  return guarded(async () => {
    await LOADERS[shown]();
    if (!IN_PLACE.has(shown)) clearError();
  }).finally(() => section.removeAttribute("aria-busy"));
}

// ------------------------------------------------------------------ sign in / out

function setTenant(value) {
  const t = value.trim();
  if (t && !TENANT_PATTERN.test(t)) {
    showError("Tenant: use 1-63 lower-case letters, digits or dashes.");
    return false;
  }
  setStoredTenant(t);
  return true;
}

function showSignedIn(signedIn) {
  $("signin").hidden = signedIn;
  $("app").hidden = !signedIn;
  $("nav").hidden = !signedIn;
}

const CLEARED = [
  "workflows-body",
  "agents-body",
  "reviews-body",
  "digests-list",
  "chart-first-review",
  "chart-open-reviews",
  "outbox-body",
  "dead-body",
];

/** Signed in by a chat link (a cookie session) rather than an API key. */
let bySession = false;

function signOut(clearBanner = true) {
  if (bySession) void endSession();
  bySession = false;
  /** @type {HTMLInputElement} */ ($("tenant")).readOnly = false;
  setApiKey(null);
  setStoredTenant("");
  unloadCharts();
  clearInstalls();
  for (const id of CLEARED) $(id).replaceChildren();
  $("reviews-summary").textContent = "";
  if (clearBanner) clearError();
  notify("Signed out.");
  showSignedIn(false);
  $("api-key").focus();
}

function init() {
  const keyInput = /** @type {HTMLInputElement} */ ($("api-key"));
  const signinTenant = /** @type {HTMLInputElement} */ ($("signin-tenant"));
  const tenantInput = /** @type {HTMLInputElement} */ ($("tenant"));

  // On this machine, say how to sign in (the API's 401 says it too).
  $("signin-local").hidden = !["localhost", "127.0.0.1", "[::1]"].includes(location.hostname);
  setUnauthorizedHandler((message) => {
    signOut(false);
    showError(message);
  });
  $("banner-close").addEventListener("click", clearError);
  initInstalls();

  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) {
      showError("Enter an API key.");
      return;
    }
    if (!setTenant(signinTenant.value)) return;
    setApiKey(key);
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
    return;
  }
  showSignedIn(false);
  // No key: maybe a chat sign-in link opened a session (an HttpOnly cookie the page cannot read).
  void currentSession().then((session) => {
    if (!session || apiKey()) return;
    bySession = true;
    // A session acts on its own tenant only: shown, not chosen.
    tenantInput.value = session.tenant;
    tenantInput.readOnly = true;
    showSignedIn(true);
    notify(`Signed in as ${session.actor} (${session.role}) to ${session.tenant}.`);
    void showView("workflows");
  });
}

init();
