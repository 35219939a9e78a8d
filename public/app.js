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
import { unloadCharts } from "./js/charts.js";
import { $, clearError, notify, showError } from "./js/dom.js";
import { startLive, stopLive } from "./js/live.js";
import { loadOverview } from "./js/overview.js";

// ------------------------------------------------------------------ views, loaded when first shown

/**
 * Each view's module is imported the first time the view is shown (the Overview, the landing view, is
 * imported above): a first load fetches only what the Overview needs (docs/adr/0020). `init` runs
 * once, when the module first arrives; `clear` runs at sign-out for the modules that arrived.
 */
const MODULES = {
  admin: { path: "./js/admin.js", init: "initAdmin", clear: "clearAdmin" },
  charts: { path: "./js/charts.js" },
  digests: { path: "./js/digests.js" },
  installs: { path: "./js/installs.js", init: "initInstalls", clear: "clearInstalls" },
  me: { path: "./js/me.js", clear: "clearMe" },
  operations: { path: "./js/operations.js", init: "initDeliveries", clear: "clearDeliveries" },
  policies: { path: "./js/policies.js", clear: "clearPolicies" },
  reviews: { path: "./js/reviews.js", init: "initReviews", clear: "clearReviews" },
  simulate: { path: "./js/simulate.js", init: "initSimulate", clear: "clearSimulate" },
  team: { path: "./js/team.js", clear: "clearTeam" },
};
/** @type {Map<string, Promise<Record<string, Function>>>} */
const arrived = new Map();

/** The module (imported once; its `init` run when it first arrives). */
function moduleOf(name) {
  let promise = arrived.get(name);
  if (!promise) {
    const { path, init } = MODULES[name];
    promise = import(path).then((m) => {
      if (init) m[init]();
      return m;
    });
    // A module that failed to arrive (offline) is asked for again next time.
    promise.catch(() => arrived.delete(name));
    arrived.set(name, promise);
  }
  return promise;
}

/** A view's loader: `fn` of module `name`, called with the loader's options. */
const from = (name, fn) => async (options) => (await moduleOf(name))[fn](options);

const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

const LOADERS = {
  overview: loadOverview,
  workflows: from("operations", "loadWorkflows"),
  agents: from("operations", "loadAgents"),
  reviews: from("reviews", "loadReviews"),
  me: from("me", "loadMe"),
  digests: from("digests", "loadDigests"),
  charts: from("charts", "loadCharts"),
  team: from("team", "loadTeam"),
  deliveries: from("operations", "loadDeliveries"),
  installs: from("installs", "loadInstalls"),
  policies: from("policies", "loadPolicies"),
  simulate: from("simulate", "loadSimulate"),
  keys: from("admin", "loadKeys"),
  audit: from("admin", "loadAudit"),
};
const VIEWS = Object.keys(LOADERS);
/** Views that show their own errors in place (the banner is for the rest). */
const IN_PLACE = new Set(["charts", "overview"]);
/** The landing view; `#<view>` (with an optional `?filter`, read by the view) opens another. */
const DEFAULT_VIEW = "overview";
let currentView = DEFAULT_VIEW;
/** The operator console, under the Admin tab (its own sub-navigation); the tab opens the last one shown. */
const ADMIN_VIEWS = ["workflows", "agents", "keys", "installs", "audit"];
let adminView = ADMIN_VIEWS[0];

/** The view named by the address: `#reviews?state=breached` → "reviews"; null when none is. */
function viewOfHash() {
  const name = location.hash.slice(1).split("?")[0];
  return VIEWS.includes(name) || name === "admin" ? name : null;
}

function showView(view) {
  const wanted = view === "admin" ? adminView : view;
  currentView = VIEWS.includes(wanted) ? wanted : DEFAULT_VIEW;
  const inAdmin = ADMIN_VIEWS.includes(currentView);
  if (inAdmin) adminView = currentView;
  $("admin-nav").hidden = !inAdmin;
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== currentView;
  for (const tab of document.querySelectorAll(".tab")) {
    const v = tab.getAttribute("data-view");
    tab.setAttribute("aria-pressed", String(v === currentView || (v === "admin" && inAdmin)));
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

// ------------------------------------------------------------------ live updates

/** The views that follow the live channel, by the topic that changes them (js/live.js). */
const LIVE_TOPIC = { reviews: "reviews", overview: "overview", team: "team" };
/** @type {Promise<unknown> | null} */
let liveRefresh = null;
let liveAgain = false;

/** A change the current view shows: refetch it in place (one at a time; a change meanwhile runs it again). */
function onLiveChange(topics) {
  const topic = LIVE_TOPIC[currentView];
  if (!topic || !topics.includes(topic)) return;
  if (liveRefresh) {
    liveAgain = true;
    return;
  }
  const shown = currentView;
  // A live refetch keeps what the view says about the last action (the Reviews view's note).
  liveRefresh = guarded(() => LOADERS[shown]({ keepNote: true })).finally(() => {
    liveRefresh = null;
    if (liveAgain) {
      liveAgain = false;
      onLiveChange([LIVE_TOPIC[currentView] ?? ""]);
    }
  });
}

function goLive() {
  startLive({ withTicket: Boolean(apiKey()), onChange: onLiveChange });
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
  "overview-body",
  "workflows-body",
  "agents-body",
  "reviews-body",
  "digests-list",
  "chart-first-review",
  "chart-open-reviews",
];

/** Signed in by a chat link (a cookie session) rather than an API key. */
let bySession = false;

function signOut(clearBanner = true) {
  stopLive();
  if (bySession) void endSession();
  bySession = false;
  for (const [name, promise] of arrived) {
    const { clear } = MODULES[name];
    // A module that never arrived has nothing to clear.
    if (clear) void promise.then((m) => m[clear]()).catch(() => {});
  }
  $("tab-me").hidden = true;
  /** @type {HTMLInputElement} */ ($("tenant")).readOnly = false;
  setApiKey(null);
  setStoredTenant("");
  unloadCharts();
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
    void showView(viewOfHash() ?? DEFAULT_VIEW);
    goLive();
  });

  $("toolbar").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!setTenant(tenantInput.value)) return;
    void showView(currentView);
    // The bootstrap key's ticket is for the tenant chosen: follow the new one.
    if (apiKey()) goLive();
  });
  $("refresh").addEventListener("click", () => void showView(currentView));
  $("signout").addEventListener("click", () => signOut());
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => {
      const view = tab.getAttribute("data-view") ?? DEFAULT_VIEW;
      // A tab shows the whole view: any filter in the address is dropped.
      history.replaceState(null, "", `#${view}`);
      void showView(view);
    });
  }
  // Links between views (the Overview's figures): `#reviews?state=breached`.
  window.addEventListener("hashchange", () => {
    const view = viewOfHash();
    if (!view || !(apiKey() || bySession)) return;
    // A link followed by keyboard lands on the view's heading, not back at the top of the page.
    void showView(view).then(() => {
      const heading = $(`view-${currentView}`).querySelector("h2");
      heading?.setAttribute("tabindex", "-1");
      heading?.focus();
    });
  });

  if (apiKey()) {
    tenantInput.value = tenant();
    showSignedIn(true);
    void showView(viewOfHash() ?? DEFAULT_VIEW);
    goLive();
    return;
  }
  showSignedIn(false);
  // No key: maybe a chat sign-in link opened a session (an HttpOnly cookie the page cannot read).
  void currentSession().then(async (session) => {
    if (!session || apiKey()) return;
    bySession = true;
    (await moduleOf("me")).setMeActor(session.actor);
    $("tab-me").hidden = false;
    // A session acts on its own tenant only: shown, not chosen.
    tenantInput.value = session.tenant;
    tenantInput.readOnly = true;
    showSignedIn(true);
    notify(`Signed in as ${session.actor} (${session.role}) to ${session.tenant}.`);
    void showView(viewOfHash() ?? DEFAULT_VIEW);
    goLive();
  });
}

init();
