import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";

export class IntegrationDashboardAgent extends DurableObject<Env> {}
export class ReviewManagerAgent extends DurableObject<Env> {}
export class ContextOptimizerAgent extends DurableObject<Env> {}
export class PatternBridgeAgent extends DurableObject<Env> {}
export class LinearStateAgent extends DurableObject<Env> {}
