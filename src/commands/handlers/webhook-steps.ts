/**
 * The words of webhook set-up in chat (`link`, `links`): a link's state (active, or waiting for its
 * first signed delivery) and the exact steps on GitHub / Linear, with the tenant's own URL and, only
 * in the reply that created it, its secret. Pure: the handler gathers the facts.
 */
import type { LinkKind } from "../../settings/model";
import type { WebhookOverview } from "../../settings/webhook-overview";
import { code } from "./format";

/** What a reply knows about the tenant's webhook for one platform. */
export interface Setup {
  kind: LinkKind;
  /** The tenant's webhook; null when none could be made (see `problem`). */
  overview: WebhookOverview | null;
  /** The secret, only in the reply that created it. */
  secret: string | null;
  /** Why no webhook could be made (no encryption key on this deployment). */
  problem: string | null;
  /** The origin shown in commands (`https://foreman.example`); null when unknown. */
  origin: string | null;
}

export const WAITING = "waiting for the first signed delivery";
const GITHUB_EVENTS =
  "Pull requests, Pull request reviews, Pull request review comments, Check suites, Check runs";

const day = (iso: string) => iso.slice(0, 10);

/** One line on a link's state. */
export function stateLine(kind: LinkKind, target: string, activeSince: string | null): string {
  if (activeSince) return `Active: signed deliveries for ${code(target)} arrive since ${day(activeSince)}.`;
  const from = kind === "github" ? "GitHub" : "Linear";
  return `**${capitalized(WAITING)}.** Until ${from} sends one signed with this team's secret, nothing about ${code(target)} reaches Foreman.`;
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function payloadUrl(setup: Setup): string | null {
  const o = setup.overview;
  if (o?.url) return code(o.url);
  if (o?.path) return `this Foreman's address followed by ${code(o.path)}`;
  if (o?.deployment) return o.deployment.url ? code(o.deployment.url) : code(o.deployment.path);
  return null;
}

/** The deployment's shared secret applies (the default tenant, no own webhook yet). */
const viaDeployment = (s: Setup) =>
  s.overview !== null && !s.overview.configured && s.overview.deployment !== null;

function secretLine(setup: Setup): string {
  const kindName = setup.kind === "github" ? "GitHub" : "Linear";
  if (setup.secret) {
    return `Secret: ${code(setup.secret)} — shown only now: Foreman keeps it encrypted and cannot show it again. One secret serves every ${kindName} ${setup.kind === "github" ? "repository" : "team"} of this team.`;
  }
  if (viaDeployment(setup)) {
    const name = setup.kind === "github" ? "GITHUB_WEBHOOK_SECRET" : "LINEAR_WEBHOOK_SECRET";
    return `Secret: this deployment's shared secret (${code(name)}), from whoever runs Foreman.`;
  }
  return `Secret: the one shown when this team's ${kindName} webhook was made. Lost it? An admin API key makes a new one: ${code(`POST /api/webhooks/${setup.kind}/secret`)} (the old one keeps working for 72 hours).`;
}

/** The steps, or why there are none. */
export function setupSteps(setup: Setup, target: string): string[] {
  const url = payloadUrl(setup);
  if (!url)
    return [setup.problem ?? "This team has no webhook yet: an admin runs `/foreman link` to make one."];
  return setup.kind === "github" ? githubSteps(setup, target, url) : linearSteps(setup, target, url);
}

function githubSteps(setup: Setup, repo: string, url: string): string[] {
  return [
    `1. On GitHub, open ${code(repo)} → Settings → Webhooks → Add webhook.`,
    `2. Payload URL: ${url}`,
    "3. Content type: `application/json`",
    `4. ${secretLine(setup)}`,
    `5. Which events: "Let me select individual events" → ${GITHUB_EVENTS}.`,
    `6. Add webhook. GitHub sends a ping at once, and the ping makes ${code(repo)} active here.`,
  ];
}

function linearSteps(setup: Setup, team: string, url: string): string[] {
  const origin = setup.origin ?? "https://YOUR-FOREMAN";
  const adopt = `curl -X POST ${origin}/api/webhooks/linear/secret -H "Authorization: Bearer $FOREMAN_ADMIN_KEY" -H "Content-Type: application/json" -d '{"secret":"PASTE-LINEAR-SIGNING-SECRET"}'`;
  const secret = viaDeployment(setup)
    ? `4. ${secretLine(setup)}`
    : `4. Linear makes its own signing secret: give it to Foreman with an admin API key (in FOREMAN_ADMIN_KEY): ${code(adopt)}`;
  const steps = [
    "1. In Linear: Settings → API → Webhooks → New webhook.",
    `2. URL: ${url}`,
    `3. Resource types: Issues, Comments, Issue labels; team ${code(team)} (or all public teams).`,
    secret,
    `5. Save. The next issue or comment event of ${code(team)} makes it active here; from then on this team's Linear webhook accepts deliveries only from that Linear workspace.`,
  ];
  if (setup.secret) {
    steps.push(
      `Creating the webhook through Linear's API instead? Give it this secret: ${code(setup.secret)} — shown only now.`,
    );
  }
  return steps;
}
