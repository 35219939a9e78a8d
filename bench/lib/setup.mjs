/**
 * Puts a fresh Foreman in the state the bench and the load test measure: the bench user is a chat
 * admin (FOREMAN_CHAT_ADMINS) and a team lead, the repository is linked to the channel (which starts
 * the standing agents), and a few reviewers are on the team. All of it through signed slash commands,
 * the way a team would set it up. Throws when any step is refused.
 */
import { DISCORD_USER, REPO, SECRETS, SLACK_USER, signedSlashCommands } from "./signing.mjs";

/** The Worker's vars for a bench / load-test run (besides wrangler.toml's [vars]). */
export function benchVars(discordPublicKeyHex) {
  return {
    ...SECRETS,
    DISCORD_PUBLIC_KEY: discordPublicKeyHex,
    FOREMAN_CHAT_ADMINS: `slack:${SLACK_USER}`,
    // Production-like: no demo tenant seeding, no demo admin key; platforms without a token still
    // write to the local outbox (that is per platform, not DEMO_MODE).
    DEMO_MODE: "false",
  };
}

export const REVIEWERS = ["reviewer-a", "reviewer-b", "reviewer-c", "reviewer-d"];

const SETUP_COMMANDS = [
  `team add <@${SLACK_USER}|bench-user> github:bench-user --lead`,
  `team add <@${DISCORD_USER}> github:bench-discord`,
  ...REVIEWERS.map((login, i) => `team add <@U0REVIEW0${i}|${login}> github:${login}`),
  `link github ${REPO}`,
];

/** Sends one request built by signing.mjs and returns { status, text }. */
export async function send(origin, request) {
  const res = await fetch(new URL(request.path, origin), {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: res.status, text: await res.text() };
}

/** Runs the setup commands in order; each must answer 200 with a reply that is not a warning or error. */
export async function setUpTenant(origin) {
  const answers = [];
  for (const [i, text] of SETUP_COMMANDS.entries()) {
    const [request] = signedSlashCommands(text, 1, { offset: 900_000 + i });
    const answer = await send(origin, request);
    if (answer.status !== 200 || /:warning:|:x:|went wrong|not allowed/i.test(answer.text)) {
      throw new Error(`setup "/foreman ${text}" answered ${answer.status}: ${answer.text.slice(0, 400)}`);
    }
    answers.push(answer.text);
  }
  return answers;
}

/** A REST call with the bench's admin key; throws on a non-2xx answer. */
export async function api(origin, method, path, body) {
  const res = await fetch(new URL(path, origin), {
    method,
    headers: {
      authorization: `Bearer ${SECRETS.ADMIN_API_KEY}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** The tenant's standing agents (review-manager, linear-state, integration-dashboard, …). */
export async function standingAgents(origin) {
  const { agents } = await api(origin, "GET", "/api/agents");
  return agents.filter((a) => a.status !== "terminated");
}

/**
 * Pauses (or resumes) every live agent: a paused agent still takes events into its inbox and
 * works through them in order once resumed, so the ingest path can be measured on its own.
 */
export async function setAgents(origin, action) {
  const agents = await standingAgents(origin);
  for (const agent of agents) {
    const wanted = action === "pause" ? "paused" : "running";
    if (agent.status !== wanted) await api(origin, "POST", `/api/agents/${action}/${agent.agentId}`, {});
  }
  return agents;
}
