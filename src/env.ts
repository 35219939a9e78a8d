import type { Coordinator } from "./agents/coordinator";
import type {
  ContextOptimizerAgent,
  IntegrationDashboardAgent,
  LinearStateAgent,
  PatternBridgeAgent,
  ReviewManagerAgent,
} from "./agents/types/index";
import type { Outbox } from "./delivery/outbox";
import type { DeliveryMessage } from "./delivery/types";
import type { TenantSettings } from "./settings/tenant-settings";
import type { Directory } from "./storage/directory";

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
  // Storage and queues
  CONFIG_KV: KVNamespace;
  LOGS: R2Bucket;
  OUTBOUND: Queue<DeliveryMessage>;
  /** Static assets of the web dashboard (public/). */
  ASSETS: Fetcher;
  // Vars
  ENVIRONMENT: string;
  DEMO_MODE?: string;
  LOG_LEVEL?: string;
  CORS_ORIGINS?: string;
  /** Tenant for the bootstrap key when it names none, and for unbound chat workspaces. */
  FOREMAN_DEFAULT_TENANT?: string;
  /** Chat user ids (Slack and Discord, comma-separated) with admin rights in chat. */
  FOREMAN_CHAT_ADMINS?: string;
  SLACK_API_URL?: string;
  DISCORD_API_URL?: string;
  GITHUB_API_URL?: string;
  LINEAR_API_URL?: string;
  // Secrets
  ADMIN_API_KEY?: string;
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  /** Bot id and bot user id of the Slack app (from auth.test); optional, saves Bolt a lookup. */
  SLACK_BOT_ID?: string;
  SLACK_BOT_USER_ID?: string;
  DISCORD_BOT_TOKEN?: string;
  DISCORD_PUBLIC_KEY?: string;
  DISCORD_APPLICATION_ID?: string;
  GITHUB_TOKEN?: string;
  GITHUB_WEBHOOK_SECRET?: string;
  /** The previous webhook secret while a rotation is under way (also accepted). */
  GITHUB_WEBHOOK_SECRET_PREVIOUS?: string;
  LINEAR_API_KEY?: string;
  LINEAR_WEBHOOK_SECRET?: string;
}

type ForemanEnv = Env;

declare global {
  namespace Cloudflare {
    interface Env extends ForemanEnv {}
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "Directory" | "Coordinator" | "Outbox" | "TenantSettings";
    }
  }
}
