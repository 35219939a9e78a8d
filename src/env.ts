/** The Worker's bindings, vars and secrets (wrangler.toml, .dev.vars): the one Env type. */
import type { Coordinator } from "./agents/coordinator/coordinator";
import type {
  ContextOptimizerAgent,
  IntegrationDashboardAgent,
  LinearStateAgent,
  PatternBridgeAgent,
  ReviewManagerAgent,
} from "./agents/index";
import type { Outbox } from "./delivery/outbox";
import type { DeliveryMessage } from "./delivery/types";
import type { RateLimiter } from "./http/rate-limit/rate-limiter";
import type { Metrics } from "./observability/metrics-do";
import type { TenantSettings } from "./settings/tenant-settings";
import type { SimulationRunner } from "./simulation/runner";
import type { Directory } from "./tenants/directory";
import type { Live } from "./tenants/live";

/** Bindings, vars and secrets of the Worker (see wrangler.toml and .dev.vars.example). */
export interface Env {
  // Durable Objects
  DIRECTORY: DurableObjectNamespace<Directory>;
  COORDINATOR: DurableObjectNamespace<Coordinator>;
  OUTBOX: DurableObjectNamespace<Outbox>;
  INTEGRATION_DASHBOARD: DurableObjectNamespace<IntegrationDashboardAgent>;
  REVIEW_MANAGER: DurableObjectNamespace<ReviewManagerAgent>;
  CONTEXT_OPTIMIZER: DurableObjectNamespace<ContextOptimizerAgent>;
  PATTERN_BRIDGE: DurableObjectNamespace<PatternBridgeAgent>;
  LINEAR_STATE: DurableObjectNamespace<LinearStateAgent>;
  TENANT_SETTINGS: DurableObjectNamespace<TenantSettings>;
  /** Metrics rollup (one per tenant, plus `_system`): counters, latency histograms, alert incidents. */
  METRICS_ROLLUP: DurableObjectNamespace<Metrics>;
  /** Rate-limit counters of `/api/*`, one object per API key / source address. */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** The dashboard's live WebSockets, one object per tenant (src/tenants/live.ts). */
  LIVE: DurableObjectNamespace<Live>;
  SIMULATION_RUNNER: DurableObjectNamespace<SimulationRunner>;
  // Storage and queues
  CONFIG_KV: KVNamespace;
  LOGS: R2Bucket;
  OUTBOUND: Queue<DeliveryMessage>;
  /** Analytics Engine dataset `foreman_metrics`; optional: without it only the rollup records. */
  METRICS?: AnalyticsEngineDataset;
  /** Static assets of the web dashboard (public/). */
  ASSETS: Fetcher;
  // Vars
  ENVIRONMENT: string;
  DEMO_MODE?: string;
  LOG_LEVEL?: string;
  CORS_ORIGINS?: string;
  /** `/api/*` calls per API key, e.g. `600/min` (default); `off` turns it off. */
  RATE_LIMIT_PER_KEY?: string;
  /** `/api/*` calls with no or an invalid key, per source address, e.g. `300/min` (default). */
  RATE_LIMIT_PER_IP?: string;
  /**
   * The header that carries the caller's address, set by something in front that overwrites a
   * client's value: `CF-Connecting-IP` (Cloudflare's edge), `X-Forwarded-For` (last entry) or
   * `X-Real-IP` (a reverse proxy). Unset: no header is believed (src/http/rate-limit/client-address.ts).
   */
  TRUST_PROXY_HEADER?: string;
  /** How long a chat workspace's tenant is cached in the isolate, ms (default 10000; 0 off). */
  CHAT_TENANT_CACHE_MS?: string;
  /** How long a tenant webhook's hook (tenant, sealed secrets) is cached in the isolate, ms (default 10000; 0 off). */
  WEBHOOK_HOOK_CACHE_MS?: string;
  /** The origin platforms reach this deployment at (e.g. behind a proxy); default: the request's own. */
  FOREMAN_PUBLIC_URL?: string;
  /** Tenant for the bootstrap key when it names none, and for unbound chat workspaces. */
  FOREMAN_DEFAULT_TENANT?: string;
  /** Chat user ids (Slack and Discord, comma-separated) with admin rights in chat. */
  FOREMAN_CHAT_ADMINS?: string;
  SLACK_API_URL?: string;
  DISCORD_API_URL?: string;
  GITHUB_API_URL?: string;
  /**
   * The GitHub App Foreman acts as (installs, src/integrations/github/app-auth.ts): its numeric App ID
   * from the App's settings page. With GITHUB_APP_PRIVATE_KEY it turns on installation tokens.
   */
  GITHUB_APP_ID?: string;
  /** The App's URL name (`github.com/apps/<slug>`), for install links. */
  GITHUB_APP_SLUG?: string;
  /**
   * The GitHub App's OAuth client id and secret: with "Request user authorization (OAuth) during
   * installation" on, GitHub vouches that whoever connects an installation can access it.
   */
  GITHUB_APP_CLIENT_ID?: string;
  GITHUB_APP_CLIENT_SECRET?: string;
  /** Where GitHub's OAuth lives (default https://github.com; a fake in tests). */
  GITHUB_OAUTH_URL?: string;
  LINEAR_API_URL?: string;
  /** Alert thresholds per hour (src/domain/alert-rules.ts); 0 turns a rule off. */
  ALERT_DELIVERY_FAILURES?: string;
  ALERT_DEAD_LETTERS?: string;
  ALERT_SLA_BREACHES?: string;
  /**
   * Seconds a decided effect handed to the outbound queue may go unconfirmed by the consumer before its
   * deciding object hands it over again (src/delivery/ledger.ts); default 120.
   */
  DELIVERY_CONFIRM_SECONDS?: string;
  /** Ops channel for alerts of tenants that linked none (`slack:C123` or `discord:123`). */
  OPS_CHANNEL?: string;
  // Secrets
  ADMIN_API_KEY?: string;
  /** The previous bootstrap key while ADMIN_API_KEY is being rotated (also accepted). */
  ADMIN_API_KEY_PREVIOUS?: string;
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  /** The Slack app's OAuth client id and secret: "Add to Slack" installs for many workspaces (docs/install.md). */
  SLACK_CLIENT_ID?: string;
  SLACK_CLIENT_SECRET?: string;
  /** Bot id and bot user id of the Slack app (from auth.test); optional, saves Bolt a lookup. */
  SLACK_BOT_ID?: string;
  SLACK_BOT_USER_ID?: string;
  DISCORD_BOT_TOKEN?: string;
  DISCORD_PUBLIC_KEY?: string;
  DISCORD_APPLICATION_ID?: string;
  /** The Discord application's OAuth2 client secret: guild installs through /discord/install. */
  DISCORD_CLIENT_SECRET?: string;
  GITHUB_TOKEN?: string;
  /**
   * The GitHub App's private key, PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`,
   * as GitHub hands it out). Newlines may be written as `\n` (one line in a secret store).
   */
  GITHUB_APP_PRIVATE_KEY?: string;
  GITHUB_WEBHOOK_SECRET?: string;
  /** The previous webhook secret while a rotation is under way (also accepted). */
  GITHUB_WEBHOOK_SECRET_PREVIOUS?: string;
  LINEAR_API_KEY?: string;
  LINEAR_WEBHOOK_SECRET?: string;
  /** The Linear OAuth application's client id (installs with `actor=app`; src/integrations/linear/oauth.ts). */
  LINEAR_CLIENT_ID?: string;
  /** The Linear OAuth application's client secret (a secret: `wrangler secret put`). */
  LINEAR_CLIENT_SECRET?: string;
  /** 32 random bytes, base64: seals secrets kept at rest (tenants' webhook secrets). */
  TOKEN_ENCRYPTION_KEY?: string;
  /** The previous encryption key while TOKEN_ENCRYPTION_KEY is rotated (opens, never seals). */
  TOKEN_ENCRYPTION_KEY_PREVIOUS?: string;
}

type ForemanEnv = Env;

declare global {
  namespace Cloudflare {
    interface Env extends ForemanEnv {}
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces:
        | "Directory"
        | "Coordinator"
        | "Outbox"
        | "TenantSettings"
        | "Metrics"
        | "RateLimiter";
    }
  }
}
